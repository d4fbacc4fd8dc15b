// The input of the host's tests: sources that mirarictl writes into — an event source
// (int64) for `emit` and a signal source (int64) for `set`, each published on a port.
#include <cstdint>
#include <string>
#include <vector>

#include "mirari/mirari.hpp"
#include "mirari/plugin.hpp"

namespace {

class Pulse final : public mirari::Plugin {
 public:
  static std::vector<mirari::ConfigKey> config_keys() {
    using mirari::ConfigKey;
    return {ConfigKey::optional("events", "counter.ticks", "event port (int64) to publish"),
            ConfigKey::optional("level", "pulse.level", "signal port (int64) to publish"),
            ConfigKey::optional("initial_level", 0, "the level before anything is set")};
  }

  void configure(const mirari::Config& config) override {
    events_ = config.get<std::string>("events");
    level_ = config.get<std::string>("level");
    initial_ = config.get<std::int64_t>("initial_level");
  }

  void start(mirari::Context& ctx) override {
    ctx.publish(events_, ctx.graph().event_source<std::int64_t>().event());
    ctx.publish(level_, ctx.graph().source<std::int64_t>(initial_).signal());
  }

 private:
  std::string events_, level_;
  std::int64_t initial_ = 0;
};

}  // namespace

MIRARI_PLUGIN(Pulse, "pulse", "1.0.0", mirari::Kind::watcher,
              "sources for mirarictl to set and emit into")
