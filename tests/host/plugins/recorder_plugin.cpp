// A subscriber of the host's tests: follows a signal port (int64) and counts its "gaps" —
// changes that are not a step of one, as when a count restarts or skips. Publishes the gaps
// on "recorder.gaps" and the last value seen on "recorder.last".
#include <cstdint>
#include <string>
#include <vector>

#include "mirari/mirari.hpp"
#include "mirari/plugin.hpp"

namespace {

struct Seen {
  std::int64_t last = 0;
  std::int64_t gaps = 0;
  bool operator==(const Seen&) const = default;
};

class Recorder final : public mirari::Plugin {
 public:
  static std::vector<mirari::ConfigKey> config_keys() {
    return {mirari::ConfigKey::optional("input", "counter.count", "signal port (int64) to follow")};
  }

  void configure(const mirari::Config& config) override {
    input_ = config.get<std::string>("input");
  }

  void start(mirari::Context& ctx) override {
    auto input = ctx.subscribe<std::int64_t>(input_);
    auto seen = mirari::fold(mirari::changes(input), Seen{input.value(), 0},
                             [](Seen s, std::int64_t value) {
                               if (value != s.last + 1) ++s.gaps;
                               s.last = value;
                               return s;
                             });
    ctx.publish("recorder.gaps", mirari::map(seen, [](const Seen& s) { return s.gaps; }));
    ctx.publish("recorder.last", mirari::map(seen, [](const Seen& s) { return s.last; }));
  }

 private:
  std::string input_;
};

}  // namespace

MIRARI_PLUGIN(Recorder, "recorder", "1.0.0", mirari::Kind::policy,
              "counts the changes of a signal port that are not a step of one")
