#include "shutdown_deadline.hpp"

#include <spdlog/logger.h>

#include <cstdlib>

#include "plugin_executor.hpp"
#include "tick_runner.hpp"

namespace mirari::host {

ShutdownDeadline::ShutdownDeadline(boost::asio::any_io_executor control, const TickRunner& ticks,
                                   const WorkRegistry& work, spdlog::logger& log)
    : timer_(std::move(control)), ticks_(ticks), work_(work), log_(log) {}

void ShutdownDeadline::start(std::chrono::seconds timeout) {
  timer_.expires_after(timeout);
  timer_.async_wait([this, timeout](const boost::system::error_code& ec) {
    if (ec) return;
    log_.critical(
        "mirarid did not stop within shutdown_timeout ({} s); still running: {}; "
        "exiting with status 1",
        timeout.count(), still_running());
    log_.flush();
    std::_Exit(1);
  });
}

std::string ShutdownDeadline::still_running() const {
  std::string out;
  const auto add = [&](const std::string& part) { out += (out.empty() ? "" : ", ") + part; };
  if (const auto tick = ticks_.running()) {
    const auto for_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::steady_clock::now() - tick->since);
    add("tick " + std::to_string(tick->tick) + " on the graph's thread (for " +
        std::to_string(for_ms.count()) + " ms: a node or an effect)");
  }
  for (const WorkRegistry::Busy& busy : work_.busy()) {
    add("'" + busy.instance + "' (" + std::to_string(busy.in_flight) +
        " piece(s) of posted work or I/O)");
  }
  if (out.empty()) out = "the graph's thread, stopping or unloading a plugin";
  return out;
}

}  // namespace mirari::host
