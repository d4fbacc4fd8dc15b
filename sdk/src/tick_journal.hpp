// Internal: what the current step changed, so that it can be committed or undone.
//
// Invariant: a rolled-back step leaves every node's value, every edge, every port binding
// and the node table as they were before it: changed values are restored by the nodes
// themselves (each keeps its pre-tick value), structural changes by the undo actions,
// applied in reverse order, and nodes created in the step are destroyed last.
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
  std::vector<std::function<void()>> undo;  // structural changes, undone in reverse

  bool structural() const noexcept { return !created.empty() || !retired.empty() || !undo.empty(); }
  void clear() noexcept {
    changed.clear();
    to_end.clear();
    retired.clear();
    undo.clear();
    // A large build (a plugin with a million nodes) would otherwise keep its list forever.
    if (created.capacity() > kKeptCapacity) {
      std::vector<NodeBase*>().swap(created);
    } else {
      created.clear();
    }
  }
  static constexpr std::size_t kKeptCapacity = 4096;
};

}  // namespace mirari::detail
