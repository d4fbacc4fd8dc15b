// Internal: the memory nodes live in.
//
// Nodes are small (most under 128 bytes), made by the thousand and mostly freed together,
// and a tick walks them along dependency edges. Carving them out of large chunks in creation
// order keeps a chain's nodes on neighbouring cache lines and pages (chunks of 2 MiB ask for
// transparent huge pages) and costs no per-allocation header.
//
// Invariants: every block handed out is 8-byte aligned and comes from exactly one place — a
// chunk (small sizes) or the global heap (over kMaxSmall); a freed small block sits on the
// free list of its size class until reused, and chunks are released only with the arena.
// Single-threaded: the graph thread owns it.
#pragma once

#include <array>
#include <cstddef>
#include <memory>
#include <vector>

namespace mirari::detail {

class NodeArena {
 public:
  static constexpr std::size_t kAlign = 8;
  static constexpr std::size_t kMaxSmall = 1024;

  NodeArena() = default;
  NodeArena(const NodeArena&) = delete;
  NodeArena& operator=(const NodeArena&) = delete;

  void* allocate(std::size_t size);
  // size: what was asked of allocate(); 0 for a block known only to be large.
  void deallocate(void* block, std::size_t size) noexcept;

 private:
  struct FreeBlock {
    FreeBlock* next;
  };
  struct ChunkDeleter {
    void operator()(std::byte* chunk) const noexcept;
  };
  static std::size_t size_class(std::size_t size) noexcept { return (size + kAlign - 1) / kAlign; }
  void add_chunk(std::size_t at_least);

  std::array<FreeBlock*, kMaxSmall / kAlign + 1> free_{};
  std::vector<std::unique_ptr<std::byte, ChunkDeleter>> chunks_;
  std::byte* cursor_ = nullptr;
  std::byte* end_ = nullptr;
  std::size_t next_chunk_ = 64 * 1024;
};

}  // namespace mirari::detail
