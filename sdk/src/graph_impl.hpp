// Internal: the state behind mirari::Graph, shared by the files that implement it
// (graph.cpp: ticks and steps; ports.cpp; introspection.cpp).
//
// Invariants:
// - Outside a step, the height queue is empty, no node is flagged kQueued
//   or kLeaving, and the journal is empty.
// - Every dependency edge is recorded twice: by the dependent (visit_dependencies) and in the
//   dependency's DependentList, and both sides name live nodes.
#pragma once

#include <cstdint>
#include <deque>
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

  explicit Impl(Graph& graph) : self(graph) {}

  // --- steps (graph.cpp) ---
  // Runs body and propagation as one step; commits, runs effects, or rolls back. Returns
  // false after a rollback, with the failure in result.errors and, when it was not a node's
  // failure, in error.
  template <class Body>
  bool run_step(TickResult& result, std::exception_ptr& error, Body&& body);
  std::size_t apply_inputs(std::size_t limit);
  void propagate();
  void mark_changed(detail::NodeBase* node);
  static constexpr int kPrefetchLines = 16;
  static void prefetch_successors(const detail::NodeBase* source);
  void commit(TickResult& result);
  void rollback();
  void run_effects(TickResult& result);
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

  // Destroys a node that is unlinked from the graph and returns its memory.
  void free_node(detail::NodeBase* node) noexcept;

  Graph& self;
  detail::NodeArena arena;  // declared first: released after every node in it
  std::shared_ptr<detail::InputQueue> queue = std::make_shared<detail::InputQueue>();
  // Owned; a node's slot is its index here. A deque: no reallocation slack at a million nodes.
  std::deque<detail::NodeBase*> nodes;
  std::unordered_map<const detail::NodeBase*, std::string> names;
  std::vector<std::string> owners{"graph"};
  std::vector<OwnerId> free_owners;  // released ids, given again by add_owner
  struct Port {
    // The library whose code built the node and the codec: declared first, released last.
    std::shared_ptr<const void> anchor;
    detail::NodeBase* node;
    detail::PortCodec codec;
  };
  // The port, or PortError naming it.
  Port& port(const std::string& name);
  std::map<std::string, Port, std::less<>> ports;
  std::unordered_map<OwnerId, std::shared_ptr<const void>> anchors;

  detail::HeightQueue heights;
  detail::TickJournal journal;
  std::vector<detail::EffectNode*> fired;
  std::vector<detail::InputEntry> inbox;  // taken from the queue, not yet applied
  std::size_t inbox_next = 0;
  std::vector<Scope> scopes;

  int step_depth = 0;
  bool in_effects = false;
  OwnerId owner = kGraphOwner;
  const detail::NodeBase* running = nullptr;  // the node computing now, for error reports
  std::uint32_t next_id = 0;
  std::uint64_t next_effect = 0;
  std::uint64_t tick_no = 0;  // the last committed tick; a step computes tick_no + 1
  GraphStats stats;
};

}  // namespace mirari
