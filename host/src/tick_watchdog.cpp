#include "tick_watchdog.hpp"

#include <spdlog/logger.h>

#include <algorithm>

#include "stack_sampler.hpp"
#include "tick_runner.hpp"

namespace mirari::host {

namespace {
constexpr std::chrono::milliseconds kSampleTimeout{200};
}  // namespace

TickWatchdog::TickWatchdog(boost::asio::any_io_executor control, const TickRunner& ticks,
                           pthread_t graph_thread, spdlog::logger& log)
    : timer_(std::move(control)), ticks_(ticks), graph_thread_(graph_thread), log_(log) {}

void TickWatchdog::start() {
  // Half the budget between looks: a slow tick is seen at most 1.5 budgets after it began.
  const auto budget = this->budget();
  const auto period = budget.count() == 0 ? std::chrono::milliseconds(1000)
                                          : std::clamp(budget / 2, std::chrono::milliseconds(5),
                                                       std::chrono::milliseconds(1000));
  timer_.expires_after(period);
  timer_.async_wait([this](const boost::system::error_code& ec) {
    if (ec) return;
    check();
    start();
  });
}

void TickWatchdog::check() {
  const auto budget = this->budget();
  const auto tick = ticks_.running();
  if (budget.count() == 0 || !tick || tick->tick == reported_) return;
  const auto ran = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - tick->since);
  if (ran <= budget) return;
  reported_ = tick->tick;
  const auto who = plugin_running_on(graph_thread_, kSampleTimeout);
  const std::string where = !who           ? "the graph's thread did not answer a sample"
                            : who->empty() ? "the graph's thread is not in a plugin's code"
                                           : "the graph's thread is in the code of " + *who;
  log_.warn("tick {} has run for {} ms, over effect_budget_ms = {}: {}", tick->tick, ran.count(),
            budget.count(), where);
}

}  // namespace mirari::host
