// What the graph tells about itself: its nodes, its ports, and what its ticks did.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "mirari/errors.hpp"

namespace mirari {

struct NodeInfo {
  std::string name;   // given with .named(), else "<kind>#<id>"
  std::string owner;  // the owner's name
  std::string kind;   // source, map, fold, bind, port, observer, ...
  std::string type;   // stable type name of the value or occurrence
  bool event = false;
  std::uint32_t height = 0;
  std::uint64_t recomputes = 0;
  std::uint64_t changed_tick = 0;  // last tick in which it changed or occurred; 0: never
  // Whether something needs it (an observer, a port, a node with state, or a needed node
  // depends on it, or nothing has depended on it yet). A node nothing needs is not
  // recomputed; it is brought up to date when read or needed again.
  bool needed = true;
};

struct PortInfo {
  std::string name;
  std::string type;
  bool event = false;
  std::string publisher;  // owner name of the publishing node; empty while unpublished
  std::size_t subscribers = 0;
};

// What one call of Graph::tick() (or one structural step) did.
struct TickResult {
  std::uint64_t tick = 0;         // number of the last tick run; 0 when none ran
  std::size_t inputs = 0;         // inputs taken from the queue
  std::size_t committed = 0;      // ticks committed
  std::size_t rolled_back = 0;    // ticks undone because a node threw
  std::size_t recomputed = 0;     // node computations
  std::size_t effects = 0;        // effects run
  std::vector<NodeError> errors;  // one per rolled-back tick and per failed effect
  bool ran() const noexcept { return committed + rolled_back > 0; }
  // Adds what a later call did; its tick number is kept when it ran.
  TickResult& operator+=(TickResult later);
};

// Totals since the graph was created.
struct GraphStats {
  std::uint64_t ticks = 0;
  std::uint64_t rolled_back = 0;
  std::uint64_t inputs = 0;
  std::uint64_t recomputes = 0;
  std::uint64_t effects = 0;
  std::uint64_t effect_errors = 0;
  std::size_t nodes = 0;
  std::size_t idle = 0;        // nodes nothing needs (see NodeInfo::needed)
  std::size_t node_bytes = 0;  // node memory held, free blocks included (edges are elsewhere)
  std::size_t max_height = 0;
  // Duration of a recent tick, drain to last effect: reading the clock costs as much as a
  // small tick, so one step in 64 is timed.
  std::uint64_t last_tick_ns = 0;
};

}  // namespace mirari
