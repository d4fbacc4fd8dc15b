// Internal: the memory nodes live in.
//
// Nodes are small (most under 128 bytes), made by the thousand and mostly freed together,
// and a tick walks them along dependency edges. Carving them out of large chunks in creation
// order keeps a chain's nodes on neighbouring cache lines and pages (chunks are 2 MiB, the
// size of a huge page) and costs no per-allocation header.
//
// Invariants:
// - Every block handed out is 8-byte aligned and lies in a kNodeChunk-aligned region whose
//   first bytes are a ChunkHeader naming the graph (node_memory.hpp): a chunk for small
//   blocks, or a region of its own for a block over kMaxSmall.
// - A chunk is a run of blocks from its header to its cursor: each either live (its size is
//   known to whoever allocated it) or free, a FreeBlock whose first word is kFreeTag, which
//   no live node's first word (its vtable pointer) can be. A free block sits on the free list
//   of its size class until reused; chunks are released only with the arena.
// Single-threaded: the graph thread owns it.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "mirari/detail/node_memory.hpp"

namespace mirari::detail {

class NodeArena {
 public:
  static constexpr std::size_t kAlign = 8;
  static constexpr std::size_t kMaxSmall = 16 * 1024;

  explicit NodeArena(Graph& graph) : graph_(&graph) {}
  ~NodeArena();
  NodeArena(const NodeArena&) = delete;
  NodeArena& operator=(const NodeArena&) = delete;

  // A new block is unborn (for_each_live skips it) until born(): its node is being built.
  void* allocate(std::size_t size);
  void born(const void* block) noexcept;
  // size: what was asked of allocate().
  void deallocate(void* block, std::size_t size) noexcept;

  // Bytes carved out of chunks (free blocks included), plus the regions of large blocks.
  std::size_t bytes_in_use() const noexcept;

  // Calls f(block) for every live block; f returns the size the block was allocated with.
  // f may free the block it is given.
  template <class F>
  void for_each_live(F&& f) const;

 private:
  struct FreeBlock {
    std::uintptr_t tag;  // kFreeTag
    FreeBlock* next;
    std::size_t bytes;
  };
  static constexpr std::uintptr_t kFreeTag = 1;
  static constexpr std::size_t kHeader = 64;  // the ChunkHeader, on a cache line of its own
  // The bytes a block of size takes: rounded up, and room for a FreeBlock once freed.
  static std::size_t block_bytes(std::size_t size) noexcept {
    const std::size_t bytes = (size + kAlign - 1) & ~(kAlign - 1);
    return bytes < sizeof(FreeBlock) ? sizeof(FreeBlock) : bytes;
  }
  static std::size_t size_class(std::size_t size) noexcept { return block_bytes(size) / kAlign; }
  void* carve(std::size_t size);
  // huge: backed by huge pages where the kernel allows them (MADV_HUGEPAGE).
  std::byte* new_region(std::size_t bytes, bool huge);
  static void release_region(std::byte* region, std::size_t bytes) noexcept;

  Graph* graph_;
  std::array<FreeBlock*, kMaxSmall / kAlign + 1> free_{};
  struct Chunk {
    std::byte* base;
    std::byte* end;  // where its blocks end; for the last chunk, cursor_ does
  };
  std::vector<Chunk> chunks_;
  std::byte* cursor_ = nullptr;
  std::byte* limit_ = nullptr;
  std::vector<std::pair<std::byte*, std::size_t>> large_;  // regions of one block each
  // Blocks handed out whose node is still being constructed, with their sizes: their
  // contents tell nothing yet. Rarely more than one.
  std::vector<std::pair<const void*, std::size_t>> unborn_;
  bool unborn(const void* block, std::size_t& size) const noexcept {
    for (const auto& [b, s] : unborn_) {
      if (b == block) {
        size = s;
        return true;
      }
    }
    return false;
  }
};

template <class F>
void NodeArena::for_each_live(F&& f) const {
  for (std::size_t c = 0; c < chunks_.size(); ++c) {
    std::byte* at = chunks_[c].base + kHeader;
    std::byte* const end = c + 1 == chunks_.size() ? cursor_ : chunks_[c].end;
    while (at < end) {
      const auto* maybe_free = reinterpret_cast<const FreeBlock*>(at);
      std::size_t size = 0;
      if (unborn(at, size)) {
        at += block_bytes(size);
      } else if (maybe_free->tag == kFreeTag) {
        at += maybe_free->bytes;
      } else {
        at += block_bytes(f(static_cast<void*>(at)));
      }
    }
  }
  // Copied first: f may free the block, which edits the list.
  const std::vector<std::pair<std::byte*, std::size_t>> large = large_;
  for (const auto& [region, bytes] : large) {
    std::size_t size = 0;
    if (!unborn(region + kHeader, size)) f(static_cast<void*>(region + kHeader));
  }
}

}  // namespace mirari::detail
