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

// The lines a write's tick reads first. The arena lays nodes out in creation order, and what
// is built right after a source usually depends on it, so the tick reads the source node and
// then the lines after it: in a graph larger than the cache, misses one after the other as it
// walks the edges. Fetching them all when the write is made overlaps them with each other and
// with the write's own misses (its endpoint, the queue), before the tick needs any of them.
// A prefetch never faults, so a node destroyed meanwhile, or the end of a chunk, costs nothing.
inline constexpr int kPathLines = 16;
inline void prefetch_path(const void* node) noexcept {
  const char* at = static_cast<const char*>(node);
  for (int line = 0; line < kPathLines; ++line) __builtin_prefetch(at + line * 64);
}

}  // namespace mirari::detail
