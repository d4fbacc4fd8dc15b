#include "demand_shape.hpp"

namespace mirari::bench {
namespace {

class ChainBesideIdle final : public GraphShape {
 public:
  explicit ChainBesideIdle(int idle_chains) {
    graph.change(kGraphOwner, [&] {
      for (int s = 0; s < kSources; ++s) sources_.push_back(graph.source<std::int64_t>(0));
      Signal<std::int64_t> last = sources_[0];
      for (int i = 1; i < kChainLength; ++i) last = map(last, [](std::int64_t x) { return x + 1; });
      effect_on(last);
    });
    if (idle_chains == 0) return;
    std::vector<Signal<std::int64_t>> ends;
    ends.reserve(static_cast<std::size_t>(idle_chains));
    graph.change(kGraphOwner, [&] {
      for (int c = 0; c < idle_chains; ++c) {
        Signal<std::int64_t> last = sources_[static_cast<std::size_t>(c % kSources)];
        for (int i = 0; i < kChainLength; ++i) {
          last = map(last, [](std::int64_t x) { return x + 1; });
        }
        ends.push_back(last);
      }
    });
    // A consumer observes every chain, then leaves: the chains stay, needed by nothing.
    const OwnerId consumer = graph.add_owner("consumer");
    graph.change(consumer, [&] {
      for (const auto& end : ends) observe(end, [](std::int64_t) {});
    });
    graph.remove_owner(consumer);
  }
  void tick(std::int64_t t) override {
    sources_[0].set(t);
    graph.tick();
  }

 private:
  std::vector<Source<std::int64_t>> sources_;
};

}  // namespace

std::unique_ptr<GraphShape> make_chain_beside_idle(int idle_chains) {
  return std::make_unique<ChainBesideIdle>(idle_chains);
}

}  // namespace mirari::bench
