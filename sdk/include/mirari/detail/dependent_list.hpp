// Internal: the list of a node's dependents. Plugin authors never see it.
//
// Invariants:
// - One entry per dependency edge (a node that reads the same parent twice is listed twice),
//   each tagged with whether a change of this node wakes the dependent (kQuiet if not), and
//   a waking one with what the dependent is when that never changes (kEffect, kSimple), so a
//   tick wakes it without reading the dependent itself. A dependent that keeps its inputs'
//   values (kTellsInput) also has, in the entry, which of its inputs this node is.
// - The entries of needed dependents come first: a tick walks only those, so dependents
//   nothing needs cost nothing however many there are. The graph keeps the split in step
//   with its dependents' kIdle flags (add with the right part, then place() or
//   repartition() when a dependent's need changes).
// - The list is one word: empty, one entry inline (most nodes have exactly one dependent),
//   or a pointer to a block on the heap holding the entries.
#pragma once

#include <cstdint>
#include <cstdlib>
#include <new>
#include <span>

namespace mirari::detail {

class NodeBase;

class DependentList {
 public:
  static constexpr std::uintptr_t kQuiet = 1;  // a change does not wake the dependent
  static constexpr std::uintptr_t kIdle = 2;   // inline entry only: the dependent is not needed
  static constexpr std::uintptr_t kBlock = 4;  // the word points to a Block
  // High bits, which no user-space address on Linux has (x86-64, arm64): what the dependent
  // is. An observer; a node whose only input this node is (NodeFlag kSimple).
  static constexpr std::uintptr_t kEffect = std::uintptr_t{1} << 63;
  static constexpr std::uintptr_t kSimple = std::uintptr_t{1} << 62;
  static constexpr std::uintptr_t kTags = kQuiet | kIdle | kBlock | kEffect | kSimple;
  // Bits 48 to 61, which no user-space address has either (Linux maps above 47 bits only on
  // request): for a dependent flagged kTellsInput, which of its inputs this node is, plus one;
  // kFarInput for one past what the field holds.
  static constexpr int kInputShift = 48;
  static constexpr std::uint32_t kFarInput = 0x3FFF;
  static constexpr std::uintptr_t kInputBits = std::uintptr_t{kFarInput} << kInputShift;

  DependentList() = default;
  DependentList(const DependentList&) = delete;
  DependentList& operator=(const DependentList&) = delete;
  ~DependentList() {
    if (is_block()) std::free(block());
  }

  static NodeBase* node_of(std::uintptr_t entry) noexcept {
    // The high tags shifted out, the low ones masked: no 64-bit constant in the hot loop.
    return reinterpret_cast<NodeBase*>(((entry << 16) >> 16) & ~std::uintptr_t{7});
  }
  // The input field of an entry: 0 when the dependent is not told, else the input plus one.
  static std::uint32_t input_of(std::uintptr_t entry) noexcept {
    return static_cast<std::uint32_t>((entry & kInputBits) >> kInputShift);
  }

  // Adds an edge to node, among the needed dependents when needed is true; kind is 0,
  // kEffect or kSimple; input is 0 or, for a kTellsInput node, which input this is plus one.
  // A quiet edge takes no kind, as it never wakes the dependent: an entry tagged kEffect is
  // one to fire, with nothing else to test.
  void add(NodeBase* node, bool wakes, bool needed, std::uintptr_t kind = 0,
           std::uint32_t input = 0) {
    const std::uintptr_t tag = std::uintptr_t{input < kFarInput ? input : kFarInput} << kInputShift;
    const std::uintptr_t entry =
        reinterpret_cast<std::uintptr_t>(node) | (wakes ? kind : kQuiet) | tag;
    if (word_ == 0) {
      word_ = entry | (needed ? 0 : kIdle);
      return;
    }
    Block* b = is_block() ? block() : to_block();
    if (b->size == b->cap) b = grow(b);
    b->items()[b->size] = entry;
    if (needed) {
      // The first idle entry moves to the end, the new one takes its place.
      b->items()[b->size] = b->items()[b->live];
      b->items()[b->live] = entry;
      ++b->live;
    }
    ++b->size;
  }

  // Removes one edge to node; false when there is none.
  bool remove(NodeBase* node) {
    if (!is_block()) {
      if (word_ == 0 || node_of(word_) != node) return false;
      word_ = 0;
      return true;
    }
    Block* b = block();
    for (std::uint32_t i = 0; i < b->size; ++i) {
      if (node_of(b->items()[i]) != node) continue;
      if (i < b->live) {
        b->items()[i] = b->items()[b->live - 1];
        b->items()[b->live - 1] = b->items()[b->size - 1];
        --b->live;
      } else {
        b->items()[i] = b->items()[b->size - 1];
      }
      --b->size;
      return true;
    }
    return false;
  }

  // Moves one edge to node into the needed part (needed) or out of it; false when no edge
  // to node is in the other part.
  bool place(NodeBase* node, bool needed) {
    if (!is_block()) {
      if (word_ == 0 || node_of(word_) != node || ((word_ & kIdle) == 0) == needed) return false;
      word_ ^= kIdle;
      return true;
    }
    Block* b = block();
    const std::uint32_t from = needed ? b->live : 0;
    const std::uint32_t to = needed ? b->size : b->live;
    for (std::uint32_t i = from; i < to; ++i) {
      if (node_of(b->items()[i]) != node) continue;
      const std::uint32_t edge = needed ? b->live : b->live - 1;
      const std::uintptr_t moved = b->items()[i];
      b->items()[i] = b->items()[edge];
      b->items()[edge] = moved;
      b->live = needed ? b->live + 1 : b->live - 1;
      return true;
    }
    return false;
  }

  // Puts every entry in the part that needed(dependent) says, in one pass.
  template <class Needed>
  void repartition(Needed&& needed) {
    if (!is_block()) {
      if (word_ != 0) word_ = needed(node_of(word_)) ? (word_ & ~kIdle) : (word_ | kIdle);
      return;
    }
    Block* b = block();
    std::uint32_t live = 0;
    for (std::uint32_t i = 0; i < b->size; ++i) {
      if (!needed(node_of(b->items()[i]))) continue;
      const std::uintptr_t moved = b->items()[i];
      b->items()[i] = b->items()[live];
      b->items()[live] = moved;
      ++live;
    }
    b->live = live;
  }

  // f(NodeBase* dependent, bool wakes), every edge.
  template <class F>
  void for_each(F&& f) const {
    if (!is_block()) {
      if (word_ != 0) f(node_of(word_), (word_ & kQuiet) == 0);
      return;
    }
    const Block* b = block();
    for (std::uint32_t i = 0; i < b->size; ++i) {
      f(node_of(b->items()[i]), (b->items()[i] & kQuiet) == 0);
    }
  }

  // The entries of needed dependents of a list that is a block: the graph walks a wide
  // node's dependents there, in place. Valid until the list changes.
  std::span<const std::uintptr_t> needed_block() const noexcept {
    const Block* b = block();
    return {b->items(), b->live};
  }

  // The raw word, for the graph's hot loop: a lone entry when no tag but kQuiet/kIdle is set.
  std::uintptr_t word() const noexcept { return word_; }

  std::uint32_t size() const noexcept { return is_block() ? block()->size : (word_ != 0 ? 1 : 0); }
  bool empty() const noexcept { return size() == 0; }

 private:
  // A header followed by cap entries.
  struct Block {
    std::uint32_t size;
    std::uint32_t live;  // entries [0, live) are needed dependents
    std::uint32_t cap;
    std::uint32_t unused;
    std::uintptr_t* items() noexcept { return reinterpret_cast<std::uintptr_t*>(this + 1); }
    const std::uintptr_t* items() const noexcept {
      return reinterpret_cast<const std::uintptr_t*>(this + 1);
    }
  };
  static std::size_t block_bytes(std::uint32_t cap) {
    return sizeof(Block) + cap * sizeof(std::uintptr_t);
  }
  bool is_block() const noexcept { return (word_ & kBlock) != 0; }
  Block* block() const noexcept { return reinterpret_cast<Block*>(word_ & ~kTags); }

  // One inline entry becomes a block holding it.
  Block* to_block() {
    Block* b = allocate(4);
    const bool needed = (word_ & kIdle) == 0;
    b->items()[0] = word_ & ~kIdle;
    b->size = 1;
    b->live = needed ? 1 : 0;
    word_ = reinterpret_cast<std::uintptr_t>(b) | kBlock;
    return b;
  }
  Block* grow(Block* old) {
    Block* b = allocate(old->cap * 2);
    b->size = old->size;
    b->live = old->live;
    for (std::uint32_t i = 0; i < old->size; ++i) b->items()[i] = old->items()[i];
    std::free(old);
    word_ = reinterpret_cast<std::uintptr_t>(b) | kBlock;
    return b;
  }
  static Block* allocate(std::uint32_t cap) {
    auto* b = static_cast<Block*>(std::malloc(block_bytes(cap)));
    if (b == nullptr) throw std::bad_alloc();
    b->cap = cap;
    b->unused = 0;
    return b;
  }

  std::uintptr_t word_ = 0;
};

}  // namespace mirari::detail
