// A process a test starts: a system tool, mirarid, mirarictl, a load to watch. It dies with
// the test process (PR_SET_PDEATHSIG), even a crashed one, and is killed (SIGKILL) and reaped
// when the object goes, whatever the test did.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace mirari::testing {

// Descriptors the child gets as its standard streams; -1 keeps the test's own. The caller
// keeps ownership: they may be closed once the constructor returns.
struct ChildStreams {
  int in = -1;
  int out = -1;
  int err = -1;
};

class ChildProcess {
 public:
  // Starts argv; argv[0] is looked up in PATH unless it names a path. Throws
  // std::system_error naming the program when it cannot be started.
  explicit ChildProcess(const std::vector<std::string>& argv, ChildStreams streams = {});
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  pid_t pid() const noexcept { return pid_; }
  bool running();
  void signal(int signal) const;
  // The exit status once the process has ended (128 + the signal when one killed it);
  // nullopt when it is still running after timeout.
  std::optional<int> wait(std::chrono::milliseconds timeout = std::chrono::seconds(30));
  // The exit status, however long the process takes.
  int wait_for_exit();

 private:
  void reaped(int status);

  pid_t pid_ = -1;
  std::optional<int> status_;
};

}  // namespace mirari::testing
