// The plugin the host benchmarks load and reload: a count of an event port's occurrences
// (carried across reloads) fanned out into `nodes` nodes in all, summed into one port.
#include <cstdint>
#include <string>
#include <vector>

#include "mirari/mirari.hpp"
#include "mirari/plugin.hpp"

namespace {

class Wide final : public mirari::Plugin {
 public:
  static std::vector<mirari::ConfigKey> config_keys() {
    using mirari::ConfigKey;
    return {ConfigKey::optional("input", "bench.ticks", "event port (int64) to count"),
            ConfigKey::optional("nodes", 1000, "nodes the plugin builds, at least 1")};
  }

  void configure(const mirari::Config& config) override {
    input_ = config.get<std::string>("input");
    nodes_ = config.get<std::int64_t>("nodes");
    if (nodes_ < 1) throw mirari::ConfigError("nodes must be at least 1");
  }

  void start(mirari::Context& ctx) override {
    count_ = mirari::fold(ctx.subscribe_events<std::int64_t>(input_), first_,
                          [](std::int64_t n, std::int64_t) { return n + 1; });
    ctx.publish("bench.count", count_);
    if (nodes_ < 3) return;
    // A fan of nodes_ - 2 maps of the count, and one node summing them.
    std::vector<mirari::Signal<std::int64_t>> fan;
    for (std::int64_t i = 0; i < nodes_ - 2; ++i) {
      fan.push_back(mirari::map(count_, [i](std::int64_t n) { return n + i; }));
    }
    ctx.publish("bench.sum", mirari::lift_all(fan, [](mirari::Values<std::int64_t> values) {
                  std::int64_t sum = 0;
                  for (std::int64_t v : values) sum += v;
                  return sum;
                }));
  }

  std::optional<std::string> snapshot() const override { return std::to_string(count_.value()); }
  void restore(const std::string& state) override { first_ = std::stoll(state); }

 private:
  std::string input_;
  std::int64_t nodes_ = 1000;
  std::int64_t first_ = 0;
  mirari::Signal<std::int64_t> count_;
};

}  // namespace

MIRARI_PLUGIN(Wide, "wide", "1.0.0", mirari::Kind::policy,
              "counts an event port and fans the count out into many nodes")
