// Which nodes are needed, and bringing the others up to date when they are read or needed
// again (Incremental's necessary nodes).
//
// Invariants:
// - A node is flagged kIdle exactly when it is not needed(): not a demand root, not kept,
//   and no needed node depends on it; demand counts the edges from needed dependents.
// - In every node's DependentList, the edges of needed dependents come first, so a tick
//   never looks at an idle node.
// - Outside a step, every needed node is current. An idle node keeps the value it last had;
//   it is stale only when a dependency changed after it last changed, and then refresh()
//   recomputes it, after the idle nodes it reads, in height order.
// - Gaining need happens at once, inside a step (a node made, a dependency relinked), and
//   brings the node up to date then. Losing need takes effect when the step commits (or
//   when a rollback undoes a gain) and is bookkeeping only: nothing computes.
// - Bringing a node up to date is not a change of the tick: a signal takes its current
//   value without waking anything or counting as changed in the tick (changes() of it does
//   not occur for the ticks it was idle); an idle event occurs in a tick in which what it
//   reads occurs, as if it had been needed all along. Inside a step it is journaled, so a
//   rollback restores the value it had before.
#include <algorithm>
#include <utility>

#include "graph_impl.hpp"

namespace mirari {

using detail::NodeBase;

namespace {

bool is_idle(const NodeBase* node) {
  return (node->flags & detail::kIdle) != 0;
}

bool by_height(const NodeBase* a, const NodeBase* b) {
  return a->height < b->height;
}

// Puts the edges of nodes, whose need just changed, in the right part of their
// dependencies' lists: one by one, or in one pass over a list many of them are in.
void place_edges(const std::vector<NodeBase*>& nodes) {
  std::vector<std::pair<NodeBase*, NodeBase*>> edges;  // (dependency, dependent)
  for (NodeBase* node : nodes) {
    node->visit_dependencies(
        [&](NodeBase* dependency, bool) { edges.emplace_back(dependency, node); });
  }
  std::sort(edges.begin(), edges.end());
  constexpr std::size_t kOnePass = 16;
  for (std::size_t i = 0; i < edges.size();) {
    std::size_t j = i;
    while (j < edges.size() && edges[j].first == edges[i].first) ++j;
    detail::DependentList& list = edges[i].first->dependents;
    if (j - i > kOnePass) {
      list.repartition([](const NodeBase* dependent) { return !is_idle(dependent); });
    } else {
      for (std::size_t k = i; k < j; ++k) list.place(edges[k].second, !is_idle(edges[k].second));
    }
    i = j;
  }
}

}  // namespace

void Graph::Impl::lose_kept(NodeBase* node) {
  if ((node->flags & detail::kKept) == 0) return;
  node->flags &= ~detail::kKept;
  journal.unkept.push_back(node);
}

void Graph::Impl::need(NodeBase* node) {
  const std::size_t first = woken.size();
  std::vector<NodeBase*> pending{node};
  while (!pending.empty()) {
    NodeBase* n = pending.back();
    pending.pop_back();
    ++n->demand;
    if (!is_idle(n)) continue;
    n->flags &= ~detail::kIdle;
    woken.push_back(n);
    n->visit_dependencies([&](NodeBase* dependency, bool) { pending.push_back(dependency); });
  }
  if (woken.size() > first) {
    flush_spans();
    place_edges(
        std::vector<NodeBase*>(woken.begin() + static_cast<std::ptrdiff_t>(first), woken.end()));
  }
}

void Graph::Impl::settle_woken() {
  if (woken.empty()) return;
  std::vector<NodeBase*> nodes = std::move(woken);
  woken.clear();
  std::sort(nodes.begin(), nodes.end(), by_height);
  catch_up(nodes);
}

void Graph::Impl::release(const std::vector<NodeBase*>& nodes) {
  std::vector<NodeBase*> pending(nodes);
  std::vector<NodeBase*> idled;
  while (!pending.empty()) {
    NodeBase* n = pending.back();
    pending.pop_back();
    --n->demand;
    if (is_idle(n) || n->needed()) continue;
    n->flags |= detail::kIdle;
    idled.push_back(n);
    n->visit_dependencies([&](NodeBase* dependency, bool) { pending.push_back(dependency); });
  }
  place_edges(idled);
}

void Graph::Impl::refresh(NodeBase* node) {
  if (!is_idle(node)) return;
  std::vector<NodeBase*> stale;
  std::unordered_set<const NodeBase*> seen;
  std::vector<NodeBase*> pending{node};
  while (!pending.empty()) {
    NodeBase* n = pending.back();
    pending.pop_back();
    if (!is_idle(n) || !seen.insert(n).second) continue;
    stale.push_back(n);
    n->visit_dependencies([&](NodeBase* dependency, bool) { pending.push_back(dependency); });
  }
  std::sort(stale.begin(), stale.end(), by_height);
  catch_up(stale);
}

void Graph::Impl::catch_up(const std::vector<NodeBase*>& nodes) {
  const bool in_step = step_depth > 0;
  const std::uint64_t now = tick_no + 1;
  const NodeBase* was_running = running;
  try {
    for (NodeBase* n : nodes) {
      // Idle until now, it was told of no input's change: any may have changed.
      if ((n->flags & detail::kTellsInput) != 0) n->input_changed(detail::kEveryInput);
      if (n->is_event()) {
        // An event has no past to catch up with: only an occurrence of what it reads in
        // the tick being computed makes it occur.
        if (!in_step) continue;
        bool occurs = false;
        n->visit_dependencies(
            [&](NodeBase* d, bool wakes) { occurs |= wakes && d->changed_tick == now; });
        if (!occurs || n->changed_tick == now) continue;
        running = n;
        ++n->recomputes;
        ++stats.recomputes;
        if (n->recompute()) {
          journal.changed.push_back({n, n->changed_tick});
          n->changed_tick = now;
          journal.to_end.push_back(n);
        }
        continue;
      }
      std::uint64_t newest = 0;
      n->visit_dependencies([&](NodeBase* d, bool) { newest = std::max(newest, d->changed_tick); });
      if (newest <= n->changed_tick) continue;  // nothing it reads changed since it changed
      running = n;
      ++n->recomputes;
      ++stats.recomputes;
      const std::uint64_t before = n->changed_tick;
      if (in_step) {
        // Saved before the computation: should the node change again later in this tick
        // (something it reads was not final yet), a rollback still restores this value.
        journal.undo.push_back([n, before, restore = n->save_value()] {
          restore();
          n->changed_tick = before;
        });
      }
      if (!n->recompute()) continue;
      n->changed_tick = tick_no;  // at most by the last committed tick; not in this one
      if ((n->flags & detail::kEndTick) != 0) n->end_tick();
    }
  } catch (...) {
    if (in_step) throw;  // the step rolls back; running names the node
    const NodeBase* culprit = running;
    running = was_running;
    std::string message = "unknown exception";
    try {
      throw;
    } catch (const std::exception& e) {
      message = e.what();
    } catch (...) {
    }
    throw node_error(culprit, message);
  }
  running = was_running;
}

}  // namespace mirari
