// Instructions (and, with a cache model, lines fetched) per tick of the graph benchmark shapes,
// under callgrind: a count that does not move with the machine's load, so a change to the
// engine can be judged on a busy machine. Each shape is built and warmed up with 1,000 ticks
// outside the measurement, then `ticks` ticks run with callgrind's instrumentation on.
//   valgrind --tool=callgrind --instr-atstart=no bench/mirari_graph_counts SHAPE [TICKS]
//   bench/graph_counts BUILD_DIR [SHAPE...]     (runs them and prints instructions per tick)
// Shapes: chain fanout fanin chains100 chains100000 alone beside fleet ingest (the 4-thread
// ingestion's graph fed from this thread in bursts of 100 emits per source, as writer threads
// fill the queue).
#include <valgrind/callgrind.h>

#include <cstdio>
#include <cstdlib>
#include <functional>
#include <memory>
#include <string_view>
#include <vector>

#include "demand_shape.hpp"
#include "fleet_shape.hpp"
#include "graph_shapes.hpp"

namespace mirari::bench {
namespace {

// One tick per call.
using Step = std::function<void(std::int64_t t)>;

int measure(const Step& step, long ticks) {
  for (std::int64_t t = 1; t <= 1000; ++t) step(t);
  CALLGRIND_START_INSTRUMENTATION;
  for (std::int64_t t = 1001; t <= 1000 + ticks; ++t) step(t);
  CALLGRIND_STOP_INSTRUMENTATION;
  return 0;
}

int ingest(long ticks) {
  Graph graph;
  auto [sources, total] = make_ingest(graph, 4);
  for (long i = 0; i < 1000; ++i) sources[static_cast<std::size_t>(i % 4)].emit(1);
  graph.run_until_idle();
  for (long i = 0; i < ticks; ++i) sources[static_cast<std::size_t>((i / 100) % 4)].emit(1);
  CALLGRIND_START_INSTRUMENTATION;
  while (total.value() < 1000 + ticks) graph.tick();
  CALLGRIND_STOP_INSTRUMENTATION;
  return 0;
}

int run(std::string_view shape, long ticks) {
  if (shape == "ingest") return ingest(ticks);
  if (shape == "fleet") {
    auto fleet = make_fleet();
    std::uint64_t rng = 0x9E3779B97F4A7C15ull;  // the same reports as BM_GraphFleetReport
    return measure(
        [&](std::int64_t) {
          rng ^= rng << 13;
          rng ^= rng >> 7;
          rng ^= rng << 17;
          fleet->report(static_cast<int>(rng % kInstances),
                        0.1 + static_cast<double>((rng >> 20) % 1000) / 1000.0);
        },
        ticks);
  }
  std::unique_ptr<GraphShape> graph;
  if (shape == "chain") graph = make_chain();
  if (shape == "fanout") graph = make_fanout();
  if (shape == "fanin") graph = make_fanin();
  if (shape == "chains100") graph = make_chains(100);
  if (shape == "chains100000") graph = make_chains(100'000);
  if (shape == "alone") graph = make_chain_beside_idle(0);
  if (shape == "beside") graph = make_chain_beside_idle(100'000);
  if (!graph) {
    std::fprintf(stderr, "unknown shape '%.*s'\n", static_cast<int>(shape.size()), shape.data());
    return 2;
  }
  return measure([&](std::int64_t t) { graph->tick(t); }, ticks);
}

}  // namespace
}  // namespace mirari::bench

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: mirari_graph_counts SHAPE [TICKS]\n");
    return 2;
  }
  const long ticks = argc > 2 ? std::atol(argv[2]) : 2000;
  return mirari::bench::run(argv[1], ticks);
}
