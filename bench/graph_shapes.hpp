// The graph shapes every benchmark (Mirari's and the peers' in bench/peers/) measures:
// - chain:  a source and 1,000 maps x+1 in a row, an effect on the last;
// - fanout: a source and 1,000 maps x+i off it, an effect on each;
// - fanin:  1,000 sources summed by one node, an effect on the sum; a tick writes one source;
// - chains: C independent chains of 10 nodes (a source and 9 maps), an effect on each last
//           node; a tick writes the source of chain (t * 48271) mod C.
// Each shape comes twice: on a Mirari graph, with the full tick semantics, and as plain C++
// loops doing the same arithmetic (the limit).
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "mirari/mirari.hpp"

namespace mirari::bench {

inline constexpr int kWidth = 1000;
inline constexpr int kChainLength = 10;

// A graph with one kind of shape built in it; tick(t) writes the shape's input for tick t and
// runs the tick. checksum accumulates what the effects saw, so no work can be skipped.
class GraphShape {
 public:
  virtual ~GraphShape() = default;
  virtual void tick(std::int64_t t) = 0;
  std::int64_t checksum = 0;
  std::int64_t effects = 0;
  Graph graph;

 protected:
  // The shape's effect: adds what s shows to checksum after every tick it changes in.
  void effect_on(Signal<std::int64_t> s) {
    observe(s, [this](std::int64_t v) {
      checksum += v;
      ++effects;
    });
  }
};

std::unique_ptr<GraphShape> make_chain();
std::unique_ptr<GraphShape> make_fanout();
std::unique_ptr<GraphShape> make_fanin();
std::unique_ptr<GraphShape> make_chains(int count);

// The ingestion shape: writers event sources, each occurrence carrying a number of inputs
// (1 per emit) added up by a fold, the folds summed; total reaches the number of inputs once
// every one has been folded in. summed: each source adds up the emits a writer's batch makes
// to it (its combiner), so a burst is one occurrence, as a watcher's one kernel message is.
struct IngestShape {
  std::vector<EventSource<std::int64_t>> sources;
  Signal<std::int64_t> total;
};
IngestShape make_ingest(Graph& graph, int writers, bool summed = false);

// The same shapes as plain arrays and loops.
class PlainShape {
 public:
  virtual ~PlainShape() = default;
  virtual void tick(std::int64_t t) = 0;
  std::int64_t checksum = 0;
};

std::unique_ptr<PlainShape> make_plain_chain();
std::unique_ptr<PlainShape> make_plain_fanout();
std::unique_ptr<PlainShape> make_plain_fanin();
std::unique_ptr<PlainShape> make_plain_chains(int count);

// The memory floor under a graph shape: a plain loop touching the same number of cache lines
// as the graph's nodes, laid out as the graph lays its nodes out (kNodeStride bytes apart):
// each chain's 10 values kNodeStride apart, in one region as large as the graph's nodes, a
// tick writing one chain found through a table of pointers, as a Source is.
inline constexpr int kNodeStride = 80;
std::unique_ptr<PlainShape> make_spread_chains(int count);

}  // namespace mirari::bench
