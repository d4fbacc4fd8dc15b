// Internal: the nodes to recompute in the current tick, ordered by height.
//
// Invariant: every node flagged kQueued has an entry in the bucket of its current height.
// A node whose height was raised while queued also keeps a stale entry at its old height;
// pop() reports the bucket so the caller skips such entries.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "mirari/detail/node.hpp"

namespace mirari::detail {

class HeightQueue {
 public:
  void push(NodeBase* node) {
    const std::uint32_t h = node->height;
    if (h >= buckets_.size()) [[unlikely]] {
      grow(h);
    }
    buckets_[h].push_back(node);
    if (h < lowest_) lowest_ = h;
    if (h > highest_) highest_ = h;
    ++size_;
  }

  // The next node of the lowest non-empty height, or null when empty. Sets height.
  NodeBase* pop(std::uint32_t& height) {
    while (size_ > 0) {
      auto& bucket = buckets_[lowest_];
      if (!bucket.empty()) {
        NodeBase* node = bucket.back();
        bucket.pop_back();
        // Wide heights do not fit in L1: fetch the next node while this one computes.
        if (!bucket.empty()) __builtin_prefetch(bucket.back());
        --size_;
        height = lowest_;
        return node;
      }
      ++lowest_;
    }
    reset_bounds();
    return nullptr;
  }

  bool empty() const noexcept { return size_ == 0; }
  std::size_t max_height() const noexcept { return buckets_.empty() ? 0 : buckets_.size() - 1; }

  // Empties the queue, clearing kQueued on every node left in it (a rolled-back tick).
  void clear();

 private:
  // Out of line, so that push() stays small enough for the tick's loop to inline.
  [[gnu::noinline]] void grow(std::uint32_t height) { buckets_.resize(std::size_t{height} + 1); }
  void reset_bounds() noexcept {
    lowest_ = UINT32_MAX;
    highest_ = 0;
  }

  std::vector<std::vector<NodeBase*>> buckets_;
  std::size_t size_ = 0;
  std::uint32_t lowest_ = UINT32_MAX;
  std::uint32_t highest_ = 0;
};

}  // namespace mirari::detail
