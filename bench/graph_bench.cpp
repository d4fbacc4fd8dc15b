// Mirari's graph against the limit (plain C++ loops doing the same arithmetic), shape by
// shape; bench/run prints the figures next to the peers' (bench/peers/). A graph shape's
// iteration is one tick: one input written, drained, propagated, committed, effects run.
#include <benchmark/benchmark.h>
#include <malloc.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <stdexcept>
#include <thread>
#include <vector>

#include "demand_shape.hpp"
#include "fleet_shape.hpp"
#include "graph_shapes.hpp"

namespace mirari::bench {
namespace {

template <class Shape>
void run_ticks(benchmark::State& state, Shape& shape) {
  std::int64_t t = 0;
  for (auto _ : state) shape.tick(++t);
  benchmark::DoNotOptimize(shape.checksum);
  state.SetItemsProcessed(state.iterations());
}

template <class Make>
void graph_ticks(benchmark::State& state, Make make, std::int64_t effects_per_tick) {
  auto shape = make();
  const std::int64_t before = shape->effects;
  run_ticks(state, *shape);
  if (shape->effects - before != effects_per_tick * static_cast<std::int64_t>(state.iterations())) {
    state.SkipWithError("an effect was skipped");
  }
}

void BM_GraphChain(benchmark::State& s) {
  graph_ticks(s, make_chain, 1);
}
void BM_GraphFanout(benchmark::State& s) {
  graph_ticks(s, make_fanout, kWidth);
}
void BM_GraphFanin(benchmark::State& s) {
  graph_ticks(s, make_fanin, 1);
}
void BM_GraphChains(benchmark::State& s) {
  graph_ticks(
      s, [&] { return make_chains(static_cast<int>(s.range(0))); }, 1);
}

void BM_PlainChain(benchmark::State& s) {
  run_ticks(s, *make_plain_chain());
}
void BM_PlainFanout(benchmark::State& s) {
  run_ticks(s, *make_plain_fanout());
}
void BM_PlainFanin(benchmark::State& s) {
  run_ticks(s, *make_plain_fanin());
}
void BM_PlainChains(benchmark::State& s) {
  run_ticks(s, *make_plain_chains(static_cast<int>(s.range(0))));
}

BENCHMARK(BM_GraphChain);
BENCHMARK(BM_PlainChain);
BENCHMARK(BM_GraphFanout);
BENCHMARK(BM_PlainFanout);
BENCHMARK(BM_GraphFanin);
BENCHMARK(BM_PlainFanin);
BENCHMARK(BM_GraphChains)->Arg(100)->Arg(100'000);
BENCHMARK(BM_PlainChains)->Arg(100)->Arg(100'000);

void BM_SpreadChains(benchmark::State& s) {
  run_ticks(s, *make_spread_chains(static_cast<int>(s.range(0))));
}
BENCHMARK(BM_SpreadChains)->Arg(100)->Arg(100'000);

// Bytes handed out by malloc, mmapped blocks (large vectors) included.
std::size_t heap_in_use() {
  const struct mallinfo2 info = mallinfo2();
  return info.uordblks + info.hblkhd;
}

// Bytes per node of the 1,000,000-node chains graph, effects included: everything the graph
// allocates, on the heap (edges, input endpoints, effect closures, the shape's source handles)
// and in its node memory, which it maps itself (GraphStats::node_bytes).
void BM_GraphBytesPerNode(benchmark::State& state) {
  constexpr int kChains = 100'000;
  for (auto _ : state) {
    malloc_trim(0);
    const std::size_t before = heap_in_use();
    auto shape = make_chains(kChains);
    const std::size_t after = heap_in_use();
    const GraphStats stats = shape->graph.stats();
    state.counters["bytes_per_node"] =
        static_cast<double>(after - before + stats.node_bytes) / (kChains * kChainLength);
    state.counters["graph_nodes"] = static_cast<double>(stats.nodes);
  }
}
BENCHMARK(BM_GraphBytesPerNode)->Iterations(1)->Unit(benchmark::kMillisecond);

// Demand: the observed chain of 10 alone, and beside 100,000 chains of 10 (1,000,000 nodes)
// on the same sources that nothing needs. A tick should cost the same in both.
void BM_GraphChainAlone(benchmark::State& s) {
  graph_ticks(
      s, [] { return make_chain_beside_idle(0); }, 1);
}
void BM_GraphChainBesideIdle(benchmark::State& s) {
  graph_ticks(
      s, [&] { return make_chain_beside_idle(static_cast<int>(s.range(0))); }, 1);
  s.counters["idle_nodes"] = static_cast<double>(s.range(0) * kChainLength);
}
BENCHMARK(BM_GraphChainAlone);
BENCHMARK(BM_GraphChainBesideIdle)->Arg(100'000);

// The fleet: one instance's load report to the committed tick in which its group's policy
// has decided, per report (the two clock reads around it included); p50 and p99.
void BM_GraphFleetReport(benchmark::State& state) {
  auto fleet = make_fleet();
  std::vector<double> latencies;
  latencies.reserve(1 << 20);
  std::uint64_t rng = 0x9E3779B97F4A7C15ull;
  for (auto _ : state) {
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    const int instance = static_cast<int>(rng % kInstances);
    const double load = 0.1 + static_cast<double>((rng >> 20) % 1000) / 1000.0;
    const auto start = std::chrono::steady_clock::now();
    fleet->report(instance, load);
    const auto end = std::chrono::steady_clock::now();
    if (latencies.size() < latencies.capacity()) {
      latencies.push_back(std::chrono::duration<double, std::micro>(end - start).count());
    }
  }
  std::sort(latencies.begin(), latencies.end());
  const auto at = [&](double q) {
    return latencies.empty() ? 0.0
                             : latencies[static_cast<std::size_t>(q * (latencies.size() - 1))];
  };
  state.counters["p50_us"] = at(0.50);
  state.counters["p99_us"] = at(0.99);
  state.counters["decisions"] = static_cast<double>(fleet->decisions);
}
BENCHMARK(BM_GraphFleetReport);

// Inputs per second ingested from 4 writer threads, each emitting on its own event source,
// while the graph thread runs ticks; counted when the last input has been folded in.
// burst 1: every emit is its own occurrence, kept and processed (one per source per tick).
// burst N: a writer makes N emits in one graph.batch, which its source's combiner adds up
// into one occurrence, as a watcher's one kernel message of N entries is.
void BM_GraphIngest4Threads(benchmark::State& state) {
  constexpr int kWriters = 4;
  const std::int64_t per_writer = state.range(0);
  const std::int64_t burst = state.range(1);
  for (auto _ : state) {
    Graph graph;
    auto [sources, total] = make_ingest(graph, kWriters, burst > 1);
    std::atomic<bool> go{false};
    std::vector<std::thread> writers;
    for (int w = 0; w < kWriters; ++w) {
      writers.emplace_back([&, w] {
        while (!go.load(std::memory_order_acquire)) std::this_thread::yield();
        auto& source = sources[static_cast<std::size_t>(w)];
        if (burst == 1) {
          for (std::int64_t i = 0; i < per_writer; ++i) source.emit(1);
          return;
        }
        for (std::int64_t i = 0; i < per_writer; i += burst) {
          graph.batch([&] {
            for (std::int64_t k = 0; k < burst; ++k) source.emit(1);
          });
        }
      });
    }
    const auto start = std::chrono::steady_clock::now();
    go.store(true, std::memory_order_release);
    while (total.value() < kWriters * per_writer) {
      if (!graph.tick().ran()) std::this_thread::yield();
    }
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    for (auto& w : writers) w.join();
    state.SetIterationTime(seconds);
    state.counters["inputs_per_s"] = static_cast<double>(kWriters * per_writer) / seconds;
  }
}
BENCHMARK(BM_GraphIngest4Threads)
    ->Args({500'000, 1})
    ->Args({500'000, 64})
    ->UseManualTime()
    ->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace mirari::bench

BENCHMARK_MAIN();
