// mirarid as a systemd service (Type=notify): what it tells the service manager through
// sd_notify(3). Without NOTIFY_SOCKET in the environment (not started by systemd) every call
// does nothing.
//
//   READY=1       once the configured plugins have started and the control socket listens,
//                 and again when a configuration re-read (SIGHUP) is over
//   RELOADING=1   when SIGHUP's re-read begins
//   STOPPING=1    when the daemon begins to stop (a signal, or a failed start)
//   WATCHDOG=1    with WatchdogSec= (WATCHDOG_USEC), every half of it, from the graph's thread:
//                 a tick or an effect that never ends stops the pings, and systemd restarts
//                 mirarid
//
// Invariant: STOPPING=1 is sent at most once, and nothing but WATCHDOG=1 follows it.
#pragma once

#include <atomic>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <string>

namespace spdlog {
class logger;
}

namespace mirari::host {

class ServiceNotifier {
 public:
  // graph is the graph's strand: the watchdog pings run there.
  ServiceNotifier(boost::asio::any_io_executor graph, spdlog::logger& log);
  ServiceNotifier(const ServiceNotifier&) = delete;
  ServiceNotifier& operator=(const ServiceNotifier&) = delete;

  // READY=1 with status as STATUS=. Any thread.
  void ready(const std::string& status);
  // RELOADING=1 (with MONOTONIC_USEC, as Type=notify-reload wants it). Any thread.
  void reloading();
  // STOPPING=1, the first time only. Any thread.
  void stopping();
  // Begins the WATCHDOG=1 pings when the service manager asked for them. Graph's thread.
  void start_watchdog();
  // The ping interval; zero when no watchdog runs.
  std::chrono::microseconds watchdog_interval() const noexcept { return interval_; }

 private:
  void send(const std::string& state);
  void ping();

  spdlog::logger& log_;
  boost::asio::steady_timer timer_;
  std::chrono::microseconds interval_{0};
  std::atomic<bool> stopping_{false};
};

}  // namespace mirari::host
