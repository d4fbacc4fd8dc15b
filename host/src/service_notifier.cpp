#include "service_notifier.hpp"

#include <spdlog/logger.h>
#include <systemd/sd-daemon.h>

#include <cstdint>
#include <cstring>
#include <ctime>

namespace mirari::host {

ServiceNotifier::ServiceNotifier(boost::asio::any_io_executor graph, spdlog::logger& log)
    : log_(log), timer_(std::move(graph)) {}

void ServiceNotifier::send(const std::string& state) {
  // The socket is unset only in tests' children and outside systemd; a failure is no reason to
  // stop the daemon, but it is worth a line: systemd would otherwise time out in silence.
  if (const int error = sd_notify(0, state.c_str()); error < 0) {
    log_.warn("cannot tell systemd '{}': {}", state, std::strerror(-error));
  }
}

void ServiceNotifier::ready(const std::string& status) {
  if (!stopping_) send("READY=1\nSTATUS=" + status);
}

void ServiceNotifier::reloading() {
  timespec now{};
  ::clock_gettime(CLOCK_MONOTONIC, &now);
  const std::uint64_t usec = static_cast<std::uint64_t>(now.tv_sec) * 1000000 +
                             static_cast<std::uint64_t>(now.tv_nsec) / 1000;
  if (!stopping_)
    send("RELOADING=1\nSTATUS=re-reading the configuration\nMONOTONIC_USEC=" +
         std::to_string(usec));
}

void ServiceNotifier::stopping() {
  if (!stopping_.exchange(true)) send("STOPPING=1\nSTATUS=stopping");
}

void ServiceNotifier::start_watchdog() {
  std::uint64_t usec = 0;
  if (sd_watchdog_enabled(0, &usec) <= 0 || usec == 0) return;
  interval_ = std::chrono::microseconds(usec / 2);
  log_.info("systemd watchdog: a ping every {} ms from the graph's thread",
            std::chrono::duration_cast<std::chrono::milliseconds>(interval_).count());
  ping();
}

void ServiceNotifier::ping() {
  send("WATCHDOG=1");
  timer_.expires_after(interval_);
  timer_.async_wait([this](const boost::system::error_code& ec) {
    if (!ec) ping();
  });
}

}  // namespace mirari::host
