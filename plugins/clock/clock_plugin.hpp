// The clock as a plugin: publishes clock.ms (mirari/ports/clock.hpp), the monotonic clock in
// milliseconds, read at start and then every period_ms. It is how policies learn that time
// passed: a hold time or a stabilization window ends at the first reading after it.
//
// Configuration: period_ms (1 to 3,600,000; default 1000), the time between two readings,
// hence the resolution of every duration a policy measures with clock.ms.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <vector>

#include <mirari/plugin.hpp>
#include <mirari/ports/clock.hpp>

#include "clock_ticker.hpp"

namespace mirari::clock {

inline constexpr std::int64_t kMaxPeriodMs = 3'600'000;

class ClockPlugin final : public Plugin {
 public:
  static std::vector<ConfigKey> config_keys() {
    return {ConfigKey::optional("period_ms", std::int64_t{1000},
                                "milliseconds between two readings of the monotonic clock "
                                "published on clock.ms")};
  }

  static std::vector<PortDecl> ports() {
    return {PortDecl::publishes<ports::ClockMs>(
        ports::kClock, "the monotonic clock in milliseconds, read every period_ms")};
  }

  void configure(const Config& config) override {
    const std::int64_t ms = config.get<std::int64_t>("period_ms");
    if (ms < 1 || ms > kMaxPeriodMs) {
      throw ConfigError("period_ms must be between 1 and 3600000, not " + std::to_string(ms),
                        "period_ms");
    }
    period_ = std::chrono::milliseconds(ms);
  }

  void start(Context& ctx) override {
    auto now = ctx.graph().source<ports::ClockMs>(monotonic_ms());
    ctx.publish(ports::kClock, now.signal().named(ports::kClock));
    ticker_ =
        std::make_unique<ClockTicker>(ctx.io(), period_, [now](std::int64_t ms) { now.set(ms); });
    ticker_->start();
  }

  void stop() override {
    if (ticker_) ticker_->stop();
  }

 private:
  std::chrono::milliseconds period_{1000};
  std::unique_ptr<ClockTicker> ticker_;
};

}  // namespace mirari::clock
