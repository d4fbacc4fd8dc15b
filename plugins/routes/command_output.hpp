// Running a short-lived program (vtysh) to its end and taking what it wrote.
#pragma once

#include <chrono>
#include <string>
#include <vector>

namespace mirari::routes {

struct CommandOutput {
  int status = -1;     // the exit status; 128 + the signal when one ended it
  std::string output;  // standard output and standard error together, as written
};

// Runs argv (argv[0] looked up in PATH) with /dev/null as its input. A program still running
// after timeout is killed (SIGKILL) and counts as failed. Throws std::system_error when it
// cannot be started, std::runtime_error when it timed out.
CommandOutput run_program(const std::vector<std::string>& argv, std::chrono::milliseconds timeout);

}  // namespace mirari::routes
