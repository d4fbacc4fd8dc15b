#include "node_arena.hpp"

#include <sys/mman.h>

#include <algorithm>
#include <new>

// GCC says it with __SANITIZE_ADDRESS__, clang with __has_feature.
#if defined(__SANITIZE_ADDRESS__)
#define MIRARI_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define MIRARI_ASAN 1
#endif
#endif

#if defined(MIRARI_ASAN)
#include <sanitizer/asan_interface.h>
#include <sanitizer/lsan_interface.h>
#define MIRARI_POISON(p, n) ASAN_POISON_MEMORY_REGION(p, n)
#define MIRARI_UNPOISON(p, n) ASAN_UNPOISON_MEMORY_REGION(p, n)
// LeakSanitizer scans the heap, stacks and globals, not anonymous mappings: without this, what
// a node owns through a pointer (a source's endpoint, a value on the heap) looks leaked.
#define MIRARI_LSAN_ROOT(p, n) __lsan_register_root_region(p, n)
#define MIRARI_LSAN_UNROOT(p, n) __lsan_unregister_root_region(p, n)
#else
#define MIRARI_POISON(p, n) ((void)(p), (void)(n))
#define MIRARI_UNPOISON(p, n) ((void)(p), (void)(n))
#define MIRARI_LSAN_ROOT(p, n) ((void)(p), (void)(n))
#define MIRARI_LSAN_UNROOT(p, n) ((void)(p), (void)(n))
#endif

namespace mirari::detail {

namespace {
constexpr std::size_t kPage = 4096;
}

NodeArena::~NodeArena() {
  for (const Chunk& chunk : chunks_) release_region(chunk.base, kNodeChunk);
  for (const auto& [region, bytes] : large_) release_region(region, bytes);
}

void* NodeArena::allocate(std::size_t size) {
  unborn_.emplace_back(nullptr, size);  // first: what may throw comes before any carving
  try {
    void* block = carve(size);
    unborn_.back().first = block;
    return block;
  } catch (...) {
    unborn_.pop_back();
    throw;
  }
}

void NodeArena::born(const void* block) noexcept {
  for (std::size_t i = unborn_.size(); i-- > 0;) {
    if (unborn_[i].first == block) {
      unborn_.erase(unborn_.begin() + static_cast<std::ptrdiff_t>(i));
      return;
    }
  }
}

void* NodeArena::carve(std::size_t size) {
  if (size > kMaxSmall) {
    const std::size_t bytes = (kHeader + size + kPage - 1) & ~(kPage - 1);
    std::byte* region = new_region(bytes, false);
    try {
      large_.emplace_back(region, bytes);
    } catch (...) {
      release_region(region, bytes);
      throw;
    }
    return region + kHeader;
  }
  const std::size_t cls = size_class(size);
  if (FreeBlock* block = free_[cls]) {
    free_[cls] = block->next;
    MIRARI_UNPOISON(block, block_bytes(size));
    return block;
  }
  const std::size_t bytes = block_bytes(size);
  if (static_cast<std::size_t>(limit_ - cursor_) < bytes) {
    chunks_.reserve(chunks_.size() + 1);
    // Small graphs (most tests, small plugins) touch a few pages of their first chunk; large
    // ones get huge pages for the rest, so a tick's path costs fewer TLB misses.
    std::byte* chunk = new_region(kNodeChunk, !chunks_.empty());
    if (!chunks_.empty()) chunks_.back().end = cursor_;
    chunks_.push_back(Chunk{chunk, chunk + kNodeChunk});
    cursor_ = chunk + kHeader;
    limit_ = chunk + kNodeChunk;
  }
  void* block = cursor_;
  cursor_ += bytes;
  return block;
}

void NodeArena::deallocate(void* block, std::size_t size) noexcept {
  if (block == nullptr) return;
  born(block);
  if (size > kMaxSmall) {
    std::byte* region = static_cast<std::byte*>(block) - kHeader;
    auto it = std::find_if(large_.begin(), large_.end(),
                           [region](const auto& entry) { return entry.first == region; });
    if (it != large_.end()) {
      release_region(it->first, it->second);
      large_.erase(it);
    }
    return;
  }
  const std::size_t cls = size_class(size);
  free_[cls] = ::new (block) FreeBlock{kFreeTag, free_[cls], block_bytes(size)};
  // Under AddressSanitizer a use of a freed node is reported; the header stays readable for
  // for_each_live and the free list.
  MIRARI_POISON(static_cast<std::byte*>(block) + sizeof(FreeBlock),
                block_bytes(size) - sizeof(FreeBlock));
}

std::size_t NodeArena::bytes_in_use() const noexcept {
  std::size_t bytes = 0;
  for (std::size_t c = 0; c < chunks_.size(); ++c) {
    const std::byte* end = c + 1 == chunks_.size() ? cursor_ : chunks_[c].end;
    bytes += static_cast<std::size_t>(end - chunks_[c].base);
  }
  for (const auto& [region, size] : large_) bytes += size;
  return bytes;
}

std::byte* NodeArena::new_region(std::size_t bytes, bool huge) {
  // Over-map by one alignment and trim, so the region starts on a kNodeChunk boundary.
  const std::size_t mapped = bytes + kNodeChunk;
  void* raw = mmap(nullptr, mapped, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (raw == MAP_FAILED) throw std::bad_alloc();
  auto* start = static_cast<std::byte*>(raw);
  const auto addr = reinterpret_cast<std::uintptr_t>(start);
  const std::size_t lead = ((addr + kNodeChunk - 1) & ~(std::uintptr_t{kNodeChunk} - 1)) - addr;
  if (lead > 0) munmap(start, lead);
  const std::size_t tail = mapped - lead - bytes;
  if (tail > 0) munmap(start + lead + bytes, tail);
  std::byte* region = start + lead;
  // Before the header is written: a region whose first page is already mapped gets no huge
  // page at fault time.
  if (huge) madvise(region, bytes, MADV_HUGEPAGE);
  ::new (region) ChunkHeader{graph_};
  MIRARI_LSAN_ROOT(region, bytes);
  return region;
}

void NodeArena::release_region(std::byte* region, std::size_t bytes) noexcept {
  MIRARI_UNPOISON(region, bytes);  // the next mapping at this address starts clean
  MIRARI_LSAN_UNROOT(region, bytes);
  munmap(region, bytes);
}

}  // namespace mirari::detail
