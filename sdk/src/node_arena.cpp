#include "node_arena.hpp"

#include <sys/mman.h>

#include <algorithm>
#include <cstdlib>
#include <new>

namespace mirari::detail {

namespace {
constexpr std::size_t kHugePage = 2 * 1024 * 1024;
}

void* NodeArena::allocate(std::size_t size) {
  if (size == 0 || size > kMaxSmall) return ::operator new(size);
  const std::size_t cls = size_class(size);
  if (FreeBlock* block = free_[cls]) {
    free_[cls] = block->next;
    return block;
  }
  const std::size_t bytes = cls * kAlign;
  if (static_cast<std::size_t>(end_ - cursor_) < bytes) add_chunk(bytes);
  void* block = cursor_;
  cursor_ += bytes;
  return block;
}

void NodeArena::deallocate(void* block, std::size_t size) noexcept {
  if (block == nullptr) return;
  if (size == 0 || size > kMaxSmall) {
    ::operator delete(block);
    return;
  }
  auto* free_block = ::new (block) FreeBlock{free_[size_class(size)]};
  free_[size_class(size)] = free_block;
}

void NodeArena::add_chunk(std::size_t at_least) {
  // Small graphs (most tests, small plugins) stay small; large ones grow to huge pages.
  const std::size_t size = std::max(next_chunk_, at_least);
  const std::size_t alignment = size >= kHugePage ? kHugePage : 4096;
  auto* chunk = static_cast<std::byte*>(std::aligned_alloc(alignment, size));
  if (chunk == nullptr) throw std::bad_alloc();
  if (size >= kHugePage) madvise(chunk, size, MADV_HUGEPAGE);
  chunks_.emplace_back(chunk);
  cursor_ = chunk;
  end_ = chunk + size;
  next_chunk_ = std::min(size * 2, kHugePage);
}

void NodeArena::ChunkDeleter::operator()(std::byte* chunk) const noexcept {
  std::free(chunk);
}

}  // namespace mirari::detail
