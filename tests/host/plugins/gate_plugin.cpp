// A plugin of the host's tests whose effects and posted work block until the test lets them
// go: to show that a blocked effect or a blocked plugin's work freezes nothing else in
// mirarid, and that a stopping mirarid does not wait for them forever.
//
// Each occurrence (int64) on its trigger port runs, as `where` says, an effect ("effect",
// on the graph's thread) or a piece of posted work ("work", on a worker) that waits until the
// file `gate` exists (checking every 10 ms), then counts itself on its `done` port (an event
// source, so the count lands in a later tick). With no gate, nothing waits.
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "mirari/mirari.hpp"
#include "mirari/plugin.hpp"

namespace {

class Gate final : public mirari::Plugin {
 public:
  static std::vector<mirari::ConfigKey> config_keys() {
    using mirari::ConfigKey;
    return {ConfigKey::optional("trigger", "gate.trigger", "event port (int64) starting a wait"),
            ConfigKey::optional("done", "gate.done", "signal port (int64): waits finished"),
            ConfigKey::optional("where", "effect", "effect or work"),
            ConfigKey::optional("gate", "", "file whose existence ends each wait")};
  }

  void configure(const mirari::Config& config) override {
    trigger_ = config.get<std::string>("trigger");
    done_port_ = config.get<std::string>("done");
    where_ = config.get<std::string>("where");
    gate_ = config.get<std::string>("gate");
    if (where_ != "effect" && where_ != "work")
      throw mirari::ConfigError("where is effect or work");
  }

  void start(mirari::Context& ctx) override {
    auto finished = ctx.graph().event_source<std::int64_t>();
    ctx.publish(done_port_, mirari::fold(finished.event(), std::int64_t{0},
                                         [](std::int64_t n, std::int64_t) { return n + 1; }));
    auto trigger = ctx.subscribe_events<std::int64_t>(trigger_);
    mirari::Executor* executor = &ctx.executor();
    mirari::observe(trigger, [gate = gate_, where = where_, finished, executor](std::int64_t) {
      auto wait = [gate, finished] {
        while (!gate.empty() && !std::filesystem::exists(gate)) {
          std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
        finished.emit(1);
      };
      if (where == "effect") {
        wait();
      } else {
        executor->post(wait);
      }
    });
  }

 private:
  std::string trigger_, done_port_, where_, gate_;
};

}  // namespace

MIRARI_PLUGIN(Gate, "gate", "1.0.0", mirari::Kind::reconfigurer,
              "effects and work that wait for a file")
