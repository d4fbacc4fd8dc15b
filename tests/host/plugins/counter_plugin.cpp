// The counter policy of the host's tests: counts the occurrences of an event port, publishes
// the count, and carries it across reloads through its snapshot.
//
// A negative tick makes the count's computation throw, to test how a failing tick is reported.
//
// Built in variants from this one file, to test reloads of rebuilt code: COUNTER_VERSION and
// COUNTER_CODE name the build (the code label is published on "<output>.code"), and
// COUNTER_BROKEN makes start() fail.
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "mirari/mirari.hpp"
#include "mirari/plugin.hpp"

namespace {

class Counter final : public mirari::Plugin {
 public:
  static std::vector<mirari::ConfigKey> config_keys() {
    using mirari::ConfigKey;
    return {ConfigKey::optional("input", "counter.ticks",
                                "event port (int64) whose occurrences are counted"),
            ConfigKey::optional("output", "counter.count",
                                "signal port (int64) the count is published on")};
  }

  void configure(const mirari::Config& config) override {
    input_ = config.get<std::string>("input");
    output_ = config.get<std::string>("output");
    if (input_ == output_) throw mirari::ConfigError("input and output must be different ports");
  }

  void start(mirari::Context& ctx) override {
#ifdef COUNTER_BROKEN
    throw std::runtime_error("this counter build refuses to start");
#endif
    auto ticks = ctx.subscribe_events<std::int64_t>(input_);
    count_ = mirari::fold(ticks, first_, [](std::int64_t n, std::int64_t tick) {
      if (tick < 0) throw std::domain_error("a tick is never negative");
      return n + 1;
    });
    ctx.publish(output_, count_.named("count"));
    ctx.publish(output_ + ".code", ctx.graph().source<std::string>(COUNTER_CODE).signal());
  }

  std::optional<std::string> snapshot() const override {
    return std::to_string(count_.value());
  }
  void restore(const std::string& state) override {
    first_ = std::stoll(state);
  }

 private:
  std::string input_, output_;
  std::int64_t first_ = 0;
  mirari::Signal<std::int64_t> count_;
};

}  // namespace

MIRARI_PLUGIN(Counter, "counter", COUNTER_VERSION, mirari::Kind::policy,
              "counts the occurrences of an event port")
