// Internal: the list of a node's dependents. Plugin authors never see it.
//
// Invariant: one entry per dependency edge (a node that reads the same parent twice is listed
// twice), each entry tagged with whether a change of this node wakes the dependent. Most nodes
// have exactly one dependent, so the first entry is stored inline and costs no allocation.
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

  void add(NodeBase* node, bool wakes) {
    const std::uintptr_t entry = reinterpret_cast<std::uintptr_t>(node) | (wakes ? 0 : kQuiet);
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
      if (untag(items[i]) == node) {
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
    for (std::uint32_t i = 0; i < size_; ++i) f(untag(items[i]), (items[i] & kQuiet) == 0);
  }

  std::uint32_t size() const noexcept { return size_; }
  bool empty() const noexcept { return size_ == 0; }

 private:
  static constexpr std::uintptr_t kQuiet = 1;
  static NodeBase* untag(std::uintptr_t e) noexcept {
    return reinterpret_cast<NodeBase*>(e & ~kQuiet);
  }
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
