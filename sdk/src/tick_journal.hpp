// Internal: what the current step changed, so that it can be committed or undone.
//
// Invariant: a rolled-back step leaves every node's value, every edge, every port binding,
// every node's need and the node table as they were before it: changed values are restored
// by the nodes themselves (each keeps its pre-tick value), structural changes by the undo
// actions, applied in reverse order, and nodes created in the step are destroyed last. A
// need a step took away (a node losing a needed dependent) only takes effect at commit.
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include "mirari/detail/node.hpp"

namespace mirari::detail {

struct TickJournal {
  struct Change {
    NodeBase* node;
    std::uint64_t previous_tick;  // the node's changed_tick before this step
  };
  std::vector<Change> changed;              // in order of first change
  std::vector<NodeBase*> to_end;            // changed nodes flagged kEndTick
  std::vector<NodeBase*> created;           // destroyed on rollback
  std::vector<NodeBase*> retired;           // destroyed on commit, kept on rollback
  std::vector<NodeBase*> released;          // lost a needed dependent: re-checked on commit
  std::vector<NodeBase*> unkept;            // lost kKept: it is theirs again on rollback
  std::vector<std::function<void()>> undo;  // structural changes, undone in reverse

  bool structural() const noexcept {
    return !created.empty() || !retired.empty() || !released.empty() || !unkept.empty() ||
           !undo.empty();
  }
  void clear() noexcept {
    empty(changed);
    empty(to_end);
    empty(created);
    empty(retired);
    empty(released);
    empty(unkept);
    empty(undo);
  }
  // A large build (a plugin with a million nodes) would otherwise keep its lists forever.
  static constexpr std::size_t kKeptCapacity = 4096;
  template <class T>
  static void empty(std::vector<T>& list) noexcept {
    if (list.capacity() > kKeptCapacity) {
      std::vector<T>().swap(list);
    } else {
      list.clear();
    }
  }
};

}  // namespace mirari::detail
