#include "graph_shapes.hpp"

#include <benchmark/benchmark.h>

#include <functional>

namespace mirari::bench {
namespace {

std::int64_t pick_chain(std::int64_t t, int count) {
  return (t * 48271) % count;
}

class Chain final : public GraphShape {
 public:
  Chain() {
    source_ = graph.source<std::int64_t>(0);
    Signal<std::int64_t> last = source_;
    for (int i = 0; i < kWidth; ++i) last = map(last, [](std::int64_t x) { return x + 1; });
    effect_on(last);
  }
  void tick(std::int64_t t) override {
    source_.set(t);
    graph.tick();
  }

 private:
  Source<std::int64_t> source_;
};

class Fanout final : public GraphShape {
 public:
  Fanout() {
    source_ = graph.source<std::int64_t>(0);
    for (int i = 0; i < kWidth; ++i) {
      auto node = map(source_.signal(), [i](std::int64_t x) { return x + i; });
      effect_on(node);
    }
  }
  void tick(std::int64_t t) override {
    source_.set(t);
    graph.tick();
  }

 private:
  Source<std::int64_t> source_;
};

class Fanin final : public GraphShape {
 public:
  Fanin() {
    std::vector<Signal<std::int64_t>> inputs;
    for (int i = 0; i < kWidth; ++i) {
      sources_.push_back(graph.source<std::int64_t>(0));
      inputs.push_back(sources_.back());
    }
    auto sum = lift_all(inputs, [](const Values<std::int64_t>& xs) {
      std::int64_t total = 0;
      for (std::int64_t x : xs) total += x;
      return total;
    });
    effect_on(sum);
  }
  void tick(std::int64_t t) override {
    sources_[static_cast<std::size_t>(t % kWidth)].set(t);
    graph.tick();
  }

 private:
  std::vector<Source<std::int64_t>> sources_;
};

class Chains final : public GraphShape {
 public:
  explicit Chains(int count) {
    // One step for the whole build, as a plugin's start would be.
    graph.change(kGraphOwner, [&] {
      sources_.reserve(static_cast<std::size_t>(count));
      for (int c = 0; c < count; ++c) {
        sources_.push_back(graph.source<std::int64_t>(0));
        Signal<std::int64_t> last = sources_.back();
        for (int i = 1; i < kChainLength; ++i) {
          last = map(last, [](std::int64_t x) { return x + 1; });
        }
        effect_on(last);
      }
    });
  }
  void tick(std::int64_t t) override {
    sources_[static_cast<std::size_t>(pick_chain(t, static_cast<int>(sources_.size())))].set(t);
    graph.tick();
  }

 private:
  std::vector<Source<std::int64_t>> sources_;
};

class PlainChain final : public PlainShape {
 public:
  void tick(std::int64_t t) override {
    std::int64_t x = t;
    for (int i = 0; i < kWidth; ++i) {
      x = x + 1;
      values_[static_cast<std::size_t>(i)] = x;
    }
    benchmark::DoNotOptimize(values_.data());
    checksum += x;
  }

 private:
  std::vector<std::int64_t> values_ = std::vector<std::int64_t>(kWidth);
};

class PlainFanout final : public PlainShape {
 public:
  void tick(std::int64_t t) override {
    for (int i = 0; i < kWidth; ++i) {
      const std::int64_t v = t + i;
      if (v != values_[static_cast<std::size_t>(i)]) {
        values_[static_cast<std::size_t>(i)] = v;
        checksum += v;
      }
    }
    benchmark::DoNotOptimize(values_.data());
  }

 private:
  std::vector<std::int64_t> values_ = std::vector<std::int64_t>(kWidth, -1);
};

class PlainFanin final : public PlainShape {
 public:
  void tick(std::int64_t t) override {
    inputs_[static_cast<std::size_t>(t % kWidth)] = t;
    benchmark::DoNotOptimize(inputs_.data());
    std::int64_t total = 0;
    for (std::int64_t x : inputs_) total += x;
    checksum += total;
  }

 private:
  std::vector<std::int64_t> inputs_ = std::vector<std::int64_t>(kWidth);
};

class PlainChains final : public PlainShape {
 public:
  explicit PlainChains(int count)
      : count_(count), values_(static_cast<std::size_t>(count) * kChainLength) {}
  void tick(std::int64_t t) override {
    std::int64_t* chain = &values_[static_cast<std::size_t>(pick_chain(t, count_)) * kChainLength];
    chain[0] = t;
    for (int i = 1; i < kChainLength; ++i) chain[i] = chain[i - 1] + 1;
    benchmark::DoNotOptimize(chain);
    checksum += chain[kChainLength - 1];
  }

 private:
  int count_;
  std::vector<std::int64_t> values_;
};

class SpreadChains final : public PlainShape {
 public:
  explicit SpreadChains(int count)
      : count_(count), memory_(static_cast<std::size_t>(count) * (kChainLength + 1) * kNodeStride) {
    for (int c = 0; c < count; ++c) {
      chains_.push_back(&memory_[static_cast<std::size_t>(c) * (kChainLength + 1) * kNodeStride]);
    }
  }
  void tick(std::int64_t t) override {
    std::byte* chain = chains_[static_cast<std::size_t>(pick_chain(t, count_))];
    benchmark::DoNotOptimize(chain);
    std::int64_t x = t;
    for (int i = 0; i < kChainLength; ++i) {
      auto* value = reinterpret_cast<std::int64_t*>(chain + i * kNodeStride);
      *value = x;
      x = x + 1;
    }
    checksum += x;
  }

 private:
  int count_;
  std::vector<std::byte> memory_;
  std::vector<std::byte*> chains_;
};

}  // namespace

std::unique_ptr<PlainShape> make_spread_chains(int count) {
  return std::make_unique<SpreadChains>(count);
}

std::unique_ptr<GraphShape> make_chain() {
  return std::make_unique<Chain>();
}
std::unique_ptr<GraphShape> make_fanout() {
  return std::make_unique<Fanout>();
}
std::unique_ptr<GraphShape> make_fanin() {
  return std::make_unique<Fanin>();
}
std::unique_ptr<GraphShape> make_chains(int count) {
  return std::make_unique<Chains>(count);
}
std::unique_ptr<PlainShape> make_plain_chain() {
  return std::make_unique<PlainChain>();
}
std::unique_ptr<PlainShape> make_plain_fanout() {
  return std::make_unique<PlainFanout>();
}
std::unique_ptr<PlainShape> make_plain_fanin() {
  return std::make_unique<PlainFanin>();
}
std::unique_ptr<PlainShape> make_plain_chains(int count) {
  return std::make_unique<PlainChains>(count);
}

IngestShape make_ingest(Graph& graph, int writers, bool summed) {
  std::vector<EventSource<std::int64_t>> sources;
  std::vector<Signal<std::int64_t>> counts;
  for (int w = 0; w < writers; ++w) {
    sources.push_back(summed ? graph.event_source<std::int64_t>(std::plus<std::int64_t>())
                             : graph.event_source<std::int64_t>());
    counts.push_back(fold(sources.back().event(), std::int64_t{0},
                          [](std::int64_t n, std::int64_t inputs) { return n + inputs; }));
  }
  auto total = lift_all(counts, [](const Values<std::int64_t>& xs) {
    std::int64_t sum = 0;
    for (std::int64_t x : xs) sum += x;
    return sum;
  });
  return IngestShape{std::move(sources), std::move(total)};
}

}  // namespace mirari::bench
