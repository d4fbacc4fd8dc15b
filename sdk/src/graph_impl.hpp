// Internal: the state behind mirari::Graph, shared by the files that implement it
// (graph.cpp: ticks and steps; demand.cpp: which nodes are needed; ports.cpp;
// introspection.cpp).
//
// Invariants:
// - Outside a step, the height queue, the ready list and the spans (walk too) are empty, no
//   node is flagged kQueued or kLeaving, and the journal is empty.
// - Every dependency edge is recorded twice: by the dependent (visit_dependencies) and in the
//   dependency's DependentList, and both sides name live nodes.
// - Every node lives in the arena, and node_count says how many do.
#pragma once

#include <cstdint>
#include <exception>
#include <map>
#include <memory>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "height_queue.hpp"
#include "mirari/graph.hpp"
#include "node_arena.hpp"
#include "tick_journal.hpp"

namespace mirari {

struct Graph::Impl {
  struct Scope {
    detail::NodeBase* lhs;
    std::vector<detail::NodeBase*>* created;
  };

  explicit Impl(Graph& graph) : self(graph), arena(graph) {}

  // --- steps (graph.cpp) ---
  // Runs body and propagation as one step; commits, runs effects, or rolls back. Returns
  // false after a rollback, with the failure in result.errors and, when it was not a node's
  // failure, in error.
  template <class Body>
  bool run_step(TickResult& result, std::exception_ptr& error, Body&& body);
  std::size_t apply_inputs(std::size_t limit);
  void propagate();
  void mark_changed(detail::NodeBase* node);
  // Always inlined: GCC leaves one copy out of line otherwise (the fleet shape: 1,598 -> 1,637
  // instructions a tick).
  [[gnu::always_inline]] inline detail::NodeBase* changed(detail::NodeBase* node, std::uint64_t now,
                                                          bool ends);
  [[gnu::always_inline]] inline void wake(std::uintptr_t entry);
  [[gnu::noinline]] static void tell_input(detail::NodeBase* dependent,
                                           std::uintptr_t entry) noexcept;
  // Lists an observer to run after commit, noting whether the list is still in creation order.
  void fire(detail::EffectNode* effect) {
    const std::uint32_t id = effect->id;
    if (id < fired_last) [[unlikely]] {
      fired_unordered = true;  // a branch not taken costs less than a store every time
    }
    fired_last = id;
    fired.push_back(effect);
  }
  void drop_fired() {
    detail::TickJournal::empty(fired);
    fired_created = false;
    fired_unordered = false;
    fired_last = 0;
  }
  static constexpr std::uint64_t kTimedEvery = 64;
  void commit(TickResult& result);
  void rollback();
  void run_effects(TickResult& result);
  // One observer's effect; a failure is reported in result, the others still run.
  [[gnu::always_inline]] inline void run_effect(detail::EffectNode* effect, TickResult& result);
  void destroy(std::vector<detail::NodeBase*> doomed);
  // Everything doomed takes with it (bind scopes), each node once.
  std::vector<detail::NodeBase*> expand(const std::vector<detail::NodeBase*>& roots) const;
  // Checks nothing outside doomed depends on it, unbinds its ports, flags it kLeaving and
  // schedules its destruction at commit.
  void leave(std::vector<detail::NodeBase*> doomed, const std::string& what);
  void raise(detail::NodeBase* node, std::uint32_t height);
  bool reaches(detail::NodeBase* from, const detail::NodeBase* to) const;
  NodeError node_error(const detail::NodeBase* node, const std::string& message) const;
  std::string name_of(const detail::NodeBase* node) const;
  // Calls f(node) for every node, in no particular order; f may destroy the node.
  template <class F>
  void for_each_node(F&& f) const;

  // --- demand (demand.cpp) ---
  // A needed node now depends on node through one more edge; node, and what it depends on,
  // become needed if they were idle (bookkeeping only: settle_woken() brings them up to date).
  void need(detail::NodeBase* node);
  // Brings the nodes need() woke up to date, in height order. May throw a node's failure.
  void settle_woken();
  // Brings nodes (sorted by height) up to date. Inside a step a failure propagates (the step
  // rolls back); between steps it is thrown as the NodeError of the failing node.
  void catch_up(const std::vector<detail::NodeBase*>& nodes);
  // One edge from a needed node to node is gone (or its dependent stopped being needed);
  // node, and what only it needed, become idle. Bookkeeping only: nothing is computed.
  void release(const std::vector<detail::NodeBase*>& nodes);
  // Brings an idle node, and the idle nodes it depends on, up to date with the values of
  // the step being computed (between steps: the committed ones), without making it needed.
  void refresh(detail::NodeBase* node);
  // Clears node's kKept (it now has a dependent), journaled so a rollback restores it.
  void lose_kept(detail::NodeBase* node);

  // Destroys a node that is unlinked from the graph and returns its memory.
  void free_node(detail::NodeBase* node) noexcept;

  Graph& self;
  detail::NodeArena arena;  // declared first: released after every node in it
  std::shared_ptr<detail::InputQueue> queue = std::make_shared<detail::InputQueue>();
  std::size_t node_count = 0;
  std::size_t internal_effects = 0;  // live observers flagged kInternal (run_effects)
  std::unordered_map<const detail::NodeBase*, std::string> names;
  std::vector<std::string> owners{"graph"};
  std::vector<OwnerId> free_owners;  // released ids, given again by add_owner
  struct Port {
    // The library whose code built the node and the codec: declared first, released last.
    std::shared_ptr<const void> anchor;
    detail::NodeBase* node;
    detail::PortCodec codec;
    // The type the port was created with, and the owner that created it: every later use
    // is checked against them.
    TypeLayout type;
    std::string first_user;
  };
  // The port, or PortError naming it.
  Port& port(const std::string& name);
  std::map<std::string, Port, std::less<>> ports;
  std::unordered_map<OwnerId, std::shared_ptr<const void>> anchors;
  Graph::PortUseListener port_use_listener;

  detail::HeightQueue heights;
  // The needed dependents of wide nodes that changed, not yet woken: propagate walks each
  // list in place, computing a kSimple dependent on the spot, instead of listing every
  // dependent in ready first (a fan-out of 1,000 maps: 110 -> 98 instructions a leaf).
  // Whatever changes a dependent list within a step calls flush_spans() first, which lists
  // what is left of them in ready the old way, so no walk reads a list that moves under it.
  struct Span {
    const std::uintptr_t* next = nullptr;
    const std::uintptr_t* end = nullptr;
  };
  // The span being walked, kept apart from those waiting and taken before the ready list
  // (the order among kSimple nodes does not matter): a leaf of a fan-out then reads two
  // pointers and tests nothing else (92 -> 85 instructions a leaf).
  Span walk;
  std::vector<Span> spans;
  void flush_spans();
  // Nodes whose only dependency changed in this tick: computed before the height queue's
  // next node, since nothing else can change their input any more (kSimple).
  std::vector<detail::NodeBase*> ready;
  std::vector<detail::NodeBase*> woken;  // needed again since the last settle_woken()
  detail::TickJournal journal;
  std::vector<detail::EffectNode*> fired;
  // Whether fired is out of creation order, known as it is filled: the observers of a wide
  // tick are not read again just to find them already in order, which they usually are.
  bool fired_unordered = false;
  std::uint32_t fired_last = 0;  // the id of the observer listed last
  // Whether an observer was created in this step: listed at once, it is listed again if its
  // node changes later in the step, and only then may fired list an observer twice.
  bool fired_created = false;
  std::vector<detail::InputEntry> inbox;  // taken from the queue, not yet applied
  std::size_t inbox_next = 0;
  std::vector<Scope> scopes;

  int step_depth = 0;
  bool in_effects = false;
  OwnerId owner = kGraphOwner;
  const detail::NodeBase* running = nullptr;  // the node computing now, for error reports
  std::uint32_t next_id = 0;
  std::uint64_t tick_no = 0;  // the last committed tick; a step computes tick_no + 1
  GraphStats stats;
};

template <class F>
void Graph::Impl::for_each_node(F&& f) const {
  arena.for_each_live([&](void* block) -> std::size_t {
    auto* node = static_cast<detail::NodeBase*>(block);
    const std::size_t size = node->footprint;
    f(node);
    return size;
  });
}

}  // namespace mirari
