// One process an instance runs as, known by its pidfd, whose end is watched on the event loop
// (the pidfd becomes readable): no polling, no thread waiting.
//
// Invariant: while a ProcessHandle exists its pidfd is open and only its reap() reaps the
// process, so signals sent through the pidfd reach that process or, once it has ended,
// nothing — never another process given the same pid.
//
// Destroying a handle closes the pidfd and stops watching; it never signals the process: an
// instance outlives the manager that started it (process_backend.hpp says why).
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>

namespace mirari::instances {

class ProcessHandle {
 public:
  struct Launch {
    std::string command;                   // absolute path; also argv[0]
    std::vector<std::string> args;         // argv[1..]
    std::vector<std::string> environment;  // the whole environment, NAME=value
    std::filesystem::path directory;       // working directory; must exist
    std::filesystem::path log;             // standard output and error, appended to
  };

  // Starts a program in a session of its own, standard input /dev/null, no descriptor of
  // this process but the three standard ones, default signal dispositions and an empty signal
  // mask. Throws std::system_error naming the command when it cannot start (no such file,
  // not executable, no such directory, the log cannot be opened); nothing is left running
  // then.
  static std::unique_ptr<ProcessHandle> spawn(boost::asio::any_io_executor io,
                                              const Launch& launch);

  // The process pid if it still exists (running or ended but not reaped) and started at
  // start_time; nullptr when it is gone or the pid now names another process.
  static std::unique_ptr<ProcessHandle> adopt(boost::asio::any_io_executor io, pid_t pid,
                                              std::uint64_t start_time);

  ProcessHandle(const ProcessHandle&) = delete;
  ProcessHandle& operator=(const ProcessHandle&) = delete;
  ~ProcessHandle();

  pid_t pid() const noexcept { return pid_; }
  std::uint64_t start_time() const noexcept { return start_time_; }

  // Calls ended() on the event loop once the process has ended. Call once. ended may still
  // run after the handle is gone when the process ended just before, so it must check that
  // the handle it was meant for is still there.
  void on_exit(std::function<void()> ended);

  // Sends sig through the pidfd. False when the process has ended.
  bool signal(int sig) const;

  // Reaps the ended process: its exit status (128 + N when signal N killed it), or none when
  // it is not a child of this process (adopted after mirarid restarted), whose status no one
  // here can learn. Call once the process has ended.
  std::optional<int> reap();

 private:
  ProcessHandle(boost::asio::any_io_executor io, int pidfd, pid_t pid, std::uint64_t start_time);

  boost::asio::posix::stream_descriptor pidfd_;
  int fd_;  // pidfd_'s descriptor
  pid_t pid_;
  std::uint64_t start_time_;
};

}  // namespace mirari::instances
