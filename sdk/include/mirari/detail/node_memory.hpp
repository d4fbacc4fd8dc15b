// Internal: how a node finds its graph without storing a pointer to it.
//
// Invariant: every node lives in memory the graph's node arena handed out (Graph::make), in
// a block whose kNodeChunk-aligned base starts with a ChunkHeader naming the graph. So
// graph() is one mask and one load, and a node carries no pointer back to its graph.
#pragma once

#include <cstddef>
#include <cstdint>

namespace mirari {
class Graph;
}

namespace mirari::detail {

inline constexpr std::size_t kNodeChunk = std::size_t{2} << 20;  // 2 MiB: one huge page

struct ChunkHeader {
  Graph* graph;
};

inline Graph& graph_of_node(const void* node) noexcept {
  const auto base = reinterpret_cast<std::uintptr_t>(node) & ~(std::uintptr_t{kNodeChunk} - 1);
  return *reinterpret_cast<const ChunkHeader*>(base)->graph;
}

}  // namespace mirari::detail
