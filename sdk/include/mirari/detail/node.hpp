// Internal: the node classes every combinator builds on. Plugin authors use the handles in
// signal.hpp instead; see graph.hpp for the model.
//
// Invariants kept here:
// - A node's height is greater than the height of every node it depends on, so computing
//   nodes in height order reads every dependency after its last change of the tick.
// - kIdle is set exactly on the nodes that are not needed(); an idle node is not recomputed
//   and may be stale, a needed one is current after every tick (demand.cpp).
// - A node changed (or occurred) in the tick being computed exactly when its changed_tick is
//   that tick's number; the journal keeps the previous number for a rollback.
// - A signal node keeps its pre-tick value (prev_) from its first change in a tick until the
//   tick ends, so a rolled-back tick restores it exactly.
// - An event node has at most one occurrence, and only during the tick it occurs in.
#pragma once

#include <concepts>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "mirari/detail/dependent_list.hpp"
#include "mirari/detail/node_memory.hpp"
#include "mirari/type_name.hpp"

namespace mirari {

class Graph;
using OwnerId = std::uint32_t;

namespace detail {

class InputBox;
struct InputEndpoint;
class PortLink;

enum NodeFlag : std::uint32_t {
  kQueued = 1u << 0,       // sits in the height queue for this tick
  kSimple = 1u << 1,       // one dependency, waking: computed as soon as it changed, unqueued
  kEvent = 1u << 2,        // an event node: it has occurrences, not a value
  kEffect = 1u << 3,       // an observer: runs an effect after commit, has no dependents
  kStateful = 1u << 4,     // its value depends on past ticks (fold, once...): always needed
  kEndTick = 1u << 5,      // end_tick() has work to do
  kPort = 1u << 6,         // a port: owned by the graph, rebound when its publisher changes
  kBindLhs = 1u << 7,      // the half of a bind that runs the user's function
  kSource = 1u << 8,       // an input: takes values from the input queue
  kLeaving = 1u << 9,      // removed in this tick: destroyed at commit, its effects skipped
  kStandIn = 1u << 10,     // a source the graph published for a port written by hand
  kInternal = 1u << 11,    // an effect the graph runs for itself (defer's hand-over): not counted
  kKept = 1u << 12,        // nothing has depended on it yet: a result its builder reads
  kIdle = 1u << 13,        // nothing needs it: not recomputed until read or needed again
  kScoped = 1u << 14,      // made by a bind's function, which may drop it within a tick
  kTellsInput = 1u << 15,  // told which of its inputs changed (input_changed), never kSimple
};

// input_changed's argument when any input may have changed unseen (the node was idle).
inline constexpr std::uint32_t kEveryInput = ~std::uint32_t{0};

// Always needed, whatever depends on them: effects and ports (what the outside world sees),
// sources (inputs), nodes with state of their own (skipping a tick would change it), and a
// bind's selector half (it changes the graph's structure, which only a tick may do).
inline constexpr std::uint32_t kDemandRoots = kEffect | kPort | kSource | kStateful | kBindLhs;

// Called with each dependency of a node and whether its changes wake the node.
using DependencyVisitor = std::function<void(class NodeBase*, bool wakes)>;

// Brings a node nothing needs up to date before it is read (graph.cpp). Throws NodeError,
// changing nothing, when its computation fails.
void refresh_node(class NodeBase* node);

// The node behind a handle, brought up to date first if nothing needed it: a node reads its
// dependencies when it is made, so every combinator passes them through this.
template <class Handle>
auto* ready(const Handle& handle) {
  auto* node = handle.node();
  if ((node->flags & kIdle) != 0) refresh_node(node);
  return node;
}

// A node's header. Nodes live in their graph's node arena (node_memory.hpp), which is how
// graph() finds the graph. The fields a tick touches come first.
class NodeBase {
 public:
  NodeBase(Graph& /*graph: the one whose arena holds this node*/, std::uint32_t flags) noexcept
      : flags(static_cast<std::uint16_t>(flags | kKept)) {}
  virtual ~NodeBase() = default;
  NodeBase(const NodeBase&) = delete;
  NodeBase& operator=(const NodeBase&) = delete;

  // Recomputes this tick's value from the dependencies. True when the value changed (an
  // event: when it occurs). May throw: the graph then rolls the whole tick back.
  virtual bool recompute() = 0;
  // Restores the pre-tick value. Called only on nodes that changed in the failed tick.
  virtual void rollback() noexcept {}
  // The tick committed: drop what only this tick needed (the saved value, an occurrence).
  virtual void end_tick() noexcept {}
  // Sources only: takes a value written from outside the graph, at most once per tick.
  // True when it changed.
  virtual bool apply_input(const InputBox& /*value*/) { return false; }
  // Sources only: where writes to this source are queued.
  virtual InputEndpoint* input_endpoint() noexcept { return nullptr; }
  // kTellsInput nodes only: its input'th dependency, in visit_dependencies order, changed in
  // the step being computed, or with kEveryInput any may have. Called before it recomputes;
  // a step rolled back takes none of these back.
  virtual void input_changed(std::uint32_t /*input*/) noexcept {}
  // Observers only: runs the effect with the committed value.
  virtual void run_effect() {}
  // Events only: whether it occurs in the current tick.
  virtual bool occurring_now() const noexcept { return false; }
  // Ports only: the link to the publisher (avoids dynamic_cast across shared objects).
  virtual PortLink* as_port() noexcept { return nullptr; }
  // Nodes whose lifetime this node governs (a bind's current scope); destroyed with it.
  virtual void collect_owned(std::vector<NodeBase*>& /*out*/) const {}
  // Signals only: a function putting back the current value, for a rollback of a node
  // brought up to date inside a step (demand.cpp).
  virtual std::function<void()> save_value() {
    return [] {};
  }

  virtual void visit_dependencies(const DependencyVisitor& visit) const = 0;
  virtual const std::string& type_name() const = 0;
  virtual std::string_view kind() const noexcept = 0;

  Graph& graph() const noexcept { return graph_of_node(this); }
  bool is_event() const noexcept { return (flags & kEvent) != 0; }
  // Whether something needs it: a demand root, a node nothing has depended on yet, or one
  // a needed node depends on.
  bool needed() const noexcept { return (flags & (kDemandRoots | kKept)) != 0 || demand > 0; }

  std::uint64_t changed_tick = 0;
  DependentList dependents;
  std::uint32_t height = 0;
  std::uint16_t flags;
  std::uint16_t footprint = 0;  // sizeof the final node class, for its release; 0: over 64 KiB
  std::uint32_t demand = 0;     // edges from needed dependents
  OwnerId owner = 0;
  std::uint32_t id = 0;  // creation number: names the node, orders effects
  std::uint32_t recomputes = 0;
};

// The saved pre-tick value: plain storage for trivially copyable types (no cost to drop),
// an optional for the rest so end_tick() can free what the old value held.
template <class T>
struct SavedValue {
  static constexpr bool kPlain = std::is_trivially_copyable_v<T>;
  using Storage = std::conditional_t<kPlain, T, std::optional<T>>;
  Storage slot{};
  void save(T&& v) {
    slot = std::move(v);
    if constexpr (kPlain) {
      // Stored on its own: GCC otherwise packs this store and the new value's, which sits
      // next to it, into one vector store, and the next node of a chain then reads the new
      // value only once the packing is done (3.0 against 2.5 ns a node in bench/run's chain).
      asm volatile("" : "+m"(slot));
    }
  }
  T take() {
    if constexpr (kPlain) {
      return slot;
    } else {
      T v = std::move(*slot);
      slot.reset();
      return v;
    }
  }
  void drop() noexcept {
    if constexpr (!kPlain) slot.reset();
  }
  const T& get() const noexcept {
    if constexpr (kPlain) {
      return slot;
    } else {
      return *slot;
    }
  }
};

// The cutoff every signal uses unless given another: operator== where T has one; a type
// without it is never equal to itself, so every recomputation is a change.
struct DefaultEqual {
  template <class T>
  bool operator()(const T& a, const T& b) const {
    if constexpr (std::equality_comparable<T>) {
      return a == b;
    } else {
      return false;
    }
  }
};

template <class T>
class SignalNode : public NodeBase {
 public:
  using value_type = T;
  const T& value() const noexcept { return value_; }
  // The value before this tick's change. Only in a tick in which the node changed.
  const T& previous() const noexcept { return prev_.get(); }
  const std::string& type_name() const override { return mirari::display_type_name<T>(); }

 protected:
  SignalNode(Graph& graph, T initial, std::uint32_t extra_flags = 0)
      : NodeBase(graph, extra_flags | (SavedValue<T>::kPlain ? 0u : kEndTick)),
        value_(std::move(initial)) {}

  // Takes v as this tick's value unless same(current, v) (the cutoff). Called at most once
  // per tick.
  template <class Same = DefaultEqual>
  bool assign(T&& v, const Same& same = Same{}) {
    if (same(value_, v)) return false;
    prev_.save(std::move(value_));
    value_ = std::move(v);
    return true;
  }
  void rollback() noexcept override { value_ = prev_.take(); }
  void end_tick() noexcept override { prev_.drop(); }
  std::function<void()> save_value() override {
    if constexpr (std::is_copy_constructible_v<T>) {
      return [this, saved = value_]() mutable { value_ = std::move(saved); };
    } else {
      return [] {};
    }
  }

  T value_;
  SavedValue<T> prev_;
};

template <class T>
class EventNode : public NodeBase {
 public:
  using value_type = T;
  bool occurring() const noexcept { return occurrence_.has_value(); }
  const T& occurrence() const { return *occurrence_; }
  bool occurring_now() const noexcept override { return occurrence_.has_value(); }
  const std::string& type_name() const override { return mirari::display_type_name<T>(); }

 protected:
  explicit EventNode(Graph& graph, std::uint32_t extra_flags = 0)
      : NodeBase(graph, extra_flags | kEvent | kEndTick) {}

  bool occur(T&& v) {
    occurrence_.emplace(std::move(v));
    return true;
  }
  void rollback() noexcept override { occurrence_.reset(); }
  void end_tick() noexcept override { occurrence_.reset(); }

  std::optional<T> occurrence_;
};

// An observer: a sink whose effect runs after the tick commits, in creation order (id).
class EffectNode : public NodeBase {
 protected:
  explicit EffectNode(Graph& graph) : NodeBase(graph, kEffect) {}
  bool recompute() override { return false; }
};

}  // namespace detail
}  // namespace mirari
