// Internal: the list of a node's dependents. Plugin authors never see it.
//
// Invariant: one entry per dependency edge (a node that reads the same parent twice is listed
// twice), each entry tagged with whether a change of this node wakes the dependent and whether
// the dependent is an observer (so waking it needs no look at the observer itself). Most
// nodes have exactly one dependent, so the first entry is stored inline, with no allocation.
#pragma once

#include <cstdint>
#include <cstdlib>
#include <new>

namespace mirari::detail {

class NodeBase;

class DependentList {
 public:
  DependentList() = default;
  DependentList(const DependentList&) = delete;
  DependentList& operator=(const DependentList&) = delete;
  ~DependentList() {
    if (cap_ > 1) std::free(many_);
  }

  static constexpr std::uintptr_t kQuiet = 1;   // a change does not wake the dependent
  static constexpr std::uintptr_t kEffect = 2;  // the dependent is an observer
  static NodeBase* node_of(std::uintptr_t entry) noexcept {
    return reinterpret_cast<NodeBase*>(entry & ~(kQuiet | kEffect));
  }

  void add(NodeBase* node, bool wakes, bool effect = false) {
    const std::uintptr_t entry =
        reinterpret_cast<std::uintptr_t>(node) | (wakes ? 0 : kQuiet) | (effect ? kEffect : 0);
    if (size_ == 0 && cap_ == 1) {
      one_ = entry;
    } else {
      if (size_ == cap_) grow();
      many_[size_] = entry;
    }
    ++size_;
  }

  // Removes one edge to node; false when there is none.
  bool remove(NodeBase* node) {
    std::uintptr_t* items = data();
    for (std::uint32_t i = 0; i < size_; ++i) {
      if (node_of(items[i]) == node) {
        items[i] = items[size_ - 1];
        --size_;
        return true;
      }
    }
    return false;
  }

  // f(NodeBase* dependent, bool wakes)
  template <class F>
  void for_each(F&& f) const {
    const std::uintptr_t* items = data();
    for (std::uint32_t i = 0; i < size_; ++i) f(node_of(items[i]), (items[i] & kQuiet) == 0);
  }

  // f(std::uintptr_t entry): the raw tagged entries, for the graph's hot loop.
  template <class F>
  void for_each_entry(F&& f) const {
    const std::uintptr_t* items = data();
    for (std::uint32_t i = 0; i < size_; ++i) f(items[i]);
  }

  std::uint32_t size() const noexcept { return size_; }
  bool empty() const noexcept { return size_ == 0; }

 private:
  std::uintptr_t* data() noexcept { return cap_ == 1 ? &one_ : many_; }
  const std::uintptr_t* data() const noexcept { return cap_ == 1 ? &one_ : many_; }

  void grow() {
    const std::uint32_t cap = cap_ * 2 < 4 ? 4 : cap_ * 2;
    auto* items = static_cast<std::uintptr_t*>(std::malloc(cap * sizeof(std::uintptr_t)));
    if (items == nullptr) throw std::bad_alloc();
    const std::uintptr_t* old = data();
    for (std::uint32_t i = 0; i < size_; ++i) items[i] = old[i];
    if (cap_ > 1) std::free(many_);
    many_ = items;
    cap_ = cap;
  }

  union {
    std::uintptr_t one_ = 0;
    std::uintptr_t* many_;
  };
  std::uint32_t size_ = 0;
  std::uint32_t cap_ = 1;
};

}  // namespace mirari::detail
