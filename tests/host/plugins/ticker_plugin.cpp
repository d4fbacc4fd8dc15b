// A watcher of the host's tests with I/O of its own: work posted to its executor emits a
// tick (int64, counting up) on an event port every interval until stop(). The work then
// lingers, and finally writes done_file: a test sees from it whether the host waited for the
// work to finish before unloading the plugin.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <fstream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "mirari/mirari.hpp"
#include "mirari/plugin.hpp"

namespace {

class Ticker final : public mirari::Plugin {
 public:
  static std::vector<mirari::ConfigKey> config_keys() {
    using mirari::ConfigKey;
    return {ConfigKey::required("port", mirari::ConfigType::string,
                                "event port (int64) the ticks are emitted on"),
            ConfigKey::optional("interval_ms", 5, "time between two ticks"),
            ConfigKey::optional("linger_ms", 0, "how long the work goes on after stop()"),
            ConfigKey::optional("done_file", "", "file written when the work has finished")};
  }

  void configure(const mirari::Config& config) override {
    port_ = config.get<std::string>("port");
    interval_ = std::chrono::milliseconds(config.get<std::int64_t>("interval_ms"));
    linger_ = std::chrono::milliseconds(config.get<std::int64_t>("linger_ms"));
    done_file_ = config.get<std::string>("done_file");
  }

  void start(mirari::Context& ctx) override {
    auto ticks = ctx.graph().event_source<std::int64_t>();
    ctx.publish(port_, ticks.event());
    ctx.executor().post(
        [running = running_, ticks, interval = interval_, linger = linger_, done = done_file_] {
          std::int64_t n = 0;
          while (running->load()) {
            ticks.emit(++n);
            std::this_thread::sleep_for(interval);
          }
          std::this_thread::sleep_for(linger);
          if (!done.empty()) std::ofstream(done) << n << '\n';
        });
  }

  void stop() override { running_->store(false); }

 private:
  std::string port_, done_file_;
  std::chrono::milliseconds interval_{5}, linger_{0};
  std::shared_ptr<std::atomic<bool>> running_ = std::make_shared<std::atomic<bool>>(true);
};

}  // namespace

MIRARI_PLUGIN(Ticker, "ticker", "1.0.0", mirari::Kind::watcher,
              "emits ticks from work on its executor")
