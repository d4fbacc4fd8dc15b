// Running a system tool (such as ip) from a test: the child process is reaped even when the
// test fails, and a failure carries the tool's own words. For a process left running while
// the test needs it, see child_process.hpp.
#pragma once

#include <string>
#include <vector>

namespace mirari::testing {

struct CommandResult {
  int exit_code;       // 128 + the signal when one killed it
  std::string output;  // standard output and standard error, as written
};

// Runs argv (argv[0] is looked up in PATH) with input as its standard input and waits for
// it to end. Throws std::system_error when it cannot be started.
CommandResult run_command(const std::vector<std::string>& argv, const std::string& input = {});

// The same, returning the output; throws std::runtime_error naming the command and quoting
// its output unless it exits with 0.
std::string check_command(const std::vector<std::string>& argv, const std::string& input = {});

}  // namespace mirari::testing
