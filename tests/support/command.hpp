// Running a system tool (such as ip) from a test: the child process is reaped even when the
// test fails, and a failure carries the tool's own words.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

namespace mirari::testing {

struct CommandResult {
  int exit_code;       // -1 when killed by a signal
  std::string output;  // standard output and standard error, as written
};

// Runs argv (argv[0] is looked up in PATH) with input as its standard input and waits for
// it to end. Throws std::system_error when it cannot be started.
CommandResult run_command(const std::vector<std::string>& argv, const std::string& input = {});

// The same, returning the output; throws std::runtime_error naming the command and quoting
// its output unless it exits with 0.
std::string check_command(const std::vector<std::string>& argv, const std::string& input = {});

// A command left running while a test needs it (a process to watch, say). Killed with
// SIGKILL and reaped when this goes, also when the test fails.
class BackgroundCommand {
 public:
  // Starts argv (argv[0] is looked up in PATH) with the test's standard streams. Throws
  // std::system_error when it cannot be started.
  explicit BackgroundCommand(const std::vector<std::string>& argv);
  ~BackgroundCommand();
  BackgroundCommand(const BackgroundCommand&) = delete;
  BackgroundCommand& operator=(const BackgroundCommand&) = delete;

  pid_t pid() const noexcept { return pid_; }

 private:
  pid_t pid_;
};

}  // namespace mirari::testing
