// How long a stopping mirarid waits for its plugins: at most shutdown_timeout, then it logs
// what is still running and exits with status 1. A plugin whose effect, stop() or posted work
// never returns cannot keep mirarid from stopping.
//
// The countdown runs on the control thread, so it fires even while the graph's thread is
// stuck; what it reports is read from thread-safe sources only (TickRunner::running,
// WorkRegistry).
//
// Invariant: once started, the process ends within the timeout: by the daemon's own clean
// stop, or by this deadline with status 1.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <string>

namespace spdlog {
class logger;
}

namespace mirari::host {

class TickRunner;
class WorkRegistry;

class ShutdownDeadline {
 public:
  ShutdownDeadline(boost::asio::any_io_executor control, const TickRunner& ticks,
                   const WorkRegistry& work, spdlog::logger& log);

  // Starts the countdown: after timeout, logs still_running() and ends the process with
  // status 1. Control thread.
  void start(std::chrono::seconds timeout);
  // What keeps mirarid from stopping, as part of a sentence. Any thread.
  std::string still_running() const;

 private:
  boost::asio::steady_timer timer_;
  const TickRunner& ticks_;
  const WorkRegistry& work_;
  spdlog::logger& log_;
};

}  // namespace mirari::host
