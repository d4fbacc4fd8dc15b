// The reactive graph: the model in a page.
//
// A Graph holds nodes of two sorts. A signal (Signal<T>) has a value at every moment; an
// event (Event<T>) has occurrences only at instants. Inputs enter through sources
// (source.hpp), from any thread. Derived nodes are built with the combinators
// (combinators.hpp). Effects — the only place the outside world is touched — are observers.
// Plugins connect through named ports.
//
// The graph advances in ticks, each one atomic step:
//   1. Drain: take the queued inputs (signal writes coalesce, each event source gives one
//      occurrence per tick, in order; the writes of one batch() land together).
//   2. Propagate: recompute the affected nodes in height order, each at most once; a node
//      whose new value equals its old one does not wake its dependents (cutoff).
//   3. Commit or roll back: if a computation throws, every node keeps its pre-tick value, no
//      effect runs, and the error names the node and its owner. Inputs that were taken
//      together are then retried one per tick, so only the input that fails is rejected.
//   4. Effects: observers run after commit, in the order they were created, and see only
//      committed values. An effect cannot change the graph's structure; what it writes to a
//      source lands in a later tick.
// Within a tick everything is instantaneous: a hold, a sample, a map and a bind all see this
// tick's values. A dependency cycle is refused when built; feedback goes through a node's own
// past (fold, scan) or through the next tick (defer, fix, or an effect writing a source).
//
// Demand: only needed nodes are recomputed. A node is needed while an observer, a port (a
// published or subscribed one, whatever its subscribers), a node with state of its own
// (fold, hold, scan, once, until, filter and when on signals, a custom cutoff, a bind's
// selection) or another needed node depends on it, and also while nothing has depended on it
// yet: a node built and not built upon is a result its builder reads. So removing an
// observer, or its owner, leaves the nodes only it needed idle: they keep their last value
// and cost nothing per tick. An idle node is brought up to date, with this tick's values,
// when it is read (Signal::value()) or needed again (observed, published, selected by a
// bind); it does not count as changed in that tick, and changes() of it does not occur for
// the ticks it was idle. nodes() and stats() tell which nodes are needed.
//
// Structural changes (nodes created, owners removed, ports bound) are steps too: all the
// changes made inside one change() call commit together or not at all.
//
// Threading: a Graph and its handles are used from one thread (the graph thread); only
// source writes, idle() and the wakeup callback cross threads.
#pragma once

#include <cstdint>
#include <functional>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "mirari/detail/observer_node.hpp"
#include "mirari/detail/port_node.hpp"
#include "mirari/errors.hpp"
#include "mirari/introspection.hpp"
#include "mirari/json_form.hpp"
#include "mirari/json_read.hpp"
#include "mirari/signal.hpp"
#include "mirari/source.hpp"
#include "mirari/type_layout.hpp"

namespace mirari {

namespace detail {
class GraphInternals;
}  // namespace detail

// The owner of nodes made outside any change(): the graph itself (ports belong to it too).
inline constexpr OwnerId kGraphOwner = 0;

class Graph {
 public:
  Graph();
  ~Graph();
  Graph(const Graph&) = delete;
  Graph& operator=(const Graph&) = delete;

  // --- Inputs ---
  // New input nodes, owned by the current owner. Graph thread.
  template <class T>
  Source<T> source(T initial);
  template <class T>
  EventSource<T> event_source();
  // An event source whose occurrences emitted within one batch (see batch()) are folded into
  // one: combine(earlier, later), in the order they were emitted. Graph thread.
  template <class T>
  EventSource<T> event_source(std::function<T(T earlier, T later)> combine);

  // Runs writes, and makes every source write it makes to this graph land in one tick, with
  // no write of another thread or batch between them: writes to one signal source coalesce
  // (the last wins), and several emits to one event source make one occurrence (its
  // combiner's, else the last). Writes to other graphs' sources are not held back. A nested
  // batch joins the outer one. If writes throws, none of its writes is queued, and the
  // exception propagates. Any thread, including effects.
  void batch(const std::function<void()>& writes);

  // --- Running ---
  // Runs one tick if inputs are pending (or a structural change left work). Graph thread.
  // Never throws for a failing node: the failure is rolled back and reported in the result.
  TickResult tick();
  // Runs ticks until no input is pending, at most max_ticks of them.
  TickResult run_until_idle(std::size_t max_ticks = std::numeric_limits<std::size_t>::max());
  // True when no input is queued. Any thread.
  bool idle() const;
  // Called from the writing thread when an input lands in an empty queue: the host posts a
  // tick to the graph thread from here. Set it before sources are written.
  void set_wakeup(std::function<void()> wakeup);
  // Number of the last committed tick (structural steps count).
  std::uint64_t current_tick() const noexcept;

  // --- Structure ---
  // Registers an owner (a plugin instance) by name. Graph thread. May return the id of an
  // owner released before.
  OwnerId add_owner(std::string name);
  // Forgets owner once none of its nodes is left (after remove_owner() committed): its name
  // and code anchor go, and add_owner() may give its id to a new owner, so the caller must
  // not use it again. Graph thread, between steps. Throws GraphError, changing nothing, when
  // a node of owner remains or when called inside a step or an effect.
  void release_owner(OwnerId owner);
  const std::string& owner_name(OwnerId owner) const;
  // The owner new nodes get: the one of the innermost change() or bind, else kGraphOwner.
  OwnerId current_owner() const noexcept;
  // Runs build as one atomic step in which new nodes belong to owner, then the effects it
  // caused (new observers see their first value). When build, or a node recomputed because
  // of it, throws, every change the step made is undone and the exception is rethrown (a
  // node's failure as NodeError). An inner change() joins the outer step and returns an
  // empty result. Not from effects. Returns what the step did, effect failures included.
  TickResult change(OwnerId owner, const std::function<void()>& build);
  // Removes all of owner's nodes. Ports it published keep their last value until a new
  // publisher binds them. Throws GraphError, changing nothing, when a node of another owner
  // depends on one of them. Inside change(): part of that step; otherwise its own step.
  void remove_owner(OwnerId owner);

  // --- Ports ---
  // A port is created by its first use, publish or subscribe, in either order, and takes
  // that use's type: its stable name and its layout (type_layout.hpp). Every later use must
  // have the same kind, name and layout, or it throws PortError naming the port, the owner
  // that first used it, the owner now using it, and what differs ("net.link: size 48 vs 56").
  //
  // Binds the named port to node, in this step. Publishing a port that already has a live
  // publisher throws PortError.
  template <class T>
  void publish(const std::string& port, Signal<T> node);
  template <class T>
  void publish(const std::string& port, Event<T> node);
  // The named port as a signal (T{} until something publishes it, then the publisher's
  // value) or an event (no occurrence until published). Subscribing never waits and never
  // fails for want of a publisher.
  template <class T>
  Signal<T> subscribe(const std::string& port);
  template <class T>
  Event<T> subscribe_events(const std::string& port);

  // --- Ports by name, for tools such as mirarictl: values as JSON text (graph thread) ---
  // Each throws PortError naming the port when it is unknown, or when its type has no JSON
  // form (nlohmann::json conversions, found for standard types and through to_json/from_json).
  // The current value of a signal port as JSON.
  std::string port_json(const std::string& port) const;
  // Writes json into the source that publishes the port: a set for a signal port, an emit
  // for an event port; it takes effect in a later tick. When nothing publishes the port, the
  // graph publishes a source of its own for it first (an input driven by hand), which gives
  // way to the first node published there later. Also throws PortError when the publisher is
  // not a source or json is not a value of the port's type.
  void write_port_json(const std::string& port, const std::string& json);
  // Runs effect(json) after every committed tick in which the port changed (a signal, also
  // once with its current value) or occurred (an event), in the port type's WatchForm (a
  // table: whole first, then the keys that changed). The observer belongs to owner:
  // remove_owner(owner) ends it.
  void watch_port(const std::string& port, OwnerId owner,
                  std::function<void(const std::string& json)> effect);

  // --- Introspection (graph thread) ---
  std::vector<NodeInfo> nodes() const;
  std::vector<PortInfo> ports() const;
  GraphStats stats() const;
  // The number of nodes, in constant time (stats() also finds the greatest height).
  std::size_t node_count() const noexcept;
  // The graph in Graphviz DOT: nodes clustered by owner, quiet edges (sample) dashed.
  std::string dot() const;
  // Gives node a name for introspection.
  void name_node(const detail::NodeBase* node, std::string name);

 private:
  // --- For node implementations and the host, through detail::GraphInternals ---
  friend class detail::GraphInternals;

  // Builds a node of type N (constructed as N(*this, args...), which computes its first
  // value from dependencies the caller brought up to date) in the graph's node memory and
  // adopts it. Throws GraphError from effects; if the constructor throws, nothing is added.
  template <class N, class... Args>
  N* make(Args&&... args) {
    void* memory = allocate_node(sizeof(N));
    N* node = nullptr;
    try {
      node = ::new (memory) N(*this, std::forward<Args>(args)...);
    } catch (...) {
      release_node_memory(memory, sizeof(N));
      throw;
    }
    node->footprint = sizeof(N) <= 0xffff ? static_cast<std::uint16_t>(sizeof(N)) : 0;
    adopt(node);
    return node;
  }
  // Takes ownership of a constructed node: sets its owner and height, links it to its
  // dependencies, which it makes needed, and records it in the current step (its own step
  // outside of one).
  void adopt(detail::NodeBase* node);
  // Bind support: runs fn with nodes created in it recorded as the scope of lhs.
  void in_scope(detail::NodeBase* lhs, const std::function<void()>& fn,
                std::vector<detail::NodeBase*>& created);
  // Bind support: makes `dependent` depend on `next` instead of `previous` (either may be
  // null), raising heights as needed; throws CycleError when that would close a cycle.
  void relink(detail::NodeBase* dependent, detail::NodeBase* previous, detail::NodeBase* next,
              const std::function<void(detail::NodeBase*)>& set_dependency);
  // Bind support: destroys nodes at commit; kept if the tick rolls back.
  void retire(std::vector<detail::NodeBase*> nodes);
  // Marks node for recomputation in the current tick.
  void schedule(detail::NodeBase* node);
  // Records that node's own state changed in this tick while its value did not (until()
  // stopping): rollback() undoes it if the tick fails, end_tick() runs at commit. From
  // recompute() only, at most once per tick, and not in a tick in which the node changes.
  void journal_state(detail::NodeBase* node);
  // Whether node changed (or occurred) in the tick being computed.
  bool changed_now(const detail::NodeBase* node) const noexcept;
  // Brings a node nothing needs up to date before it is read, without making it needed
  // (a no-op for a needed node). Node implementations call it on each dependency before they
  // read it at creation (detail::ready). Throws NodeError when a computation fails between
  // steps; inside a step the failure rolls the step back.
  void refresh(detail::NodeBase* node);

  // Ports are built by the code of whichever plugin first subscribes or publishes them, and
  // outlive it. Nodes built while owner's code runs and that outlive owner keep anchor (the
  // plugin's library) alive.
  void set_code_anchor(OwnerId owner, std::shared_ptr<const void> anchor);

  // How an owner used a port, as the port-use listener hears it.
  enum class PortUse { subscribes, publishes };
  using PortUseListener = std::function<void(OwnerId owner, const std::string& port, PortUse use)>;
  // Called at every subscribe and publish (before it is checked, so a refused use is heard
  // too), with the current owner: for a host that compares what plugins use with what they
  // declare. The listener must not throw or use the graph. Graph thread.
  void set_port_use_listener(PortUseListener listener);

  struct Impl;
  template <class T>
  detail::SignalPort<T>* signal_port(const std::string& port, PortUse use);
  template <class T>
  detail::EventPort<T>* event_port(const std::string& port, PortUse use);
  detail::NodeBase* port_for(const std::string& port, PortUse use, bool event,
                             const TypeLayout& type,
                             const std::function<detail::NodeBase*()>& make_port,
                             const std::function<detail::PortCodec()>& make_codec);
  template <class T, bool kEvent>
  static detail::PortCodec codec_for();
  void* allocate_node(std::size_t size);
  void release_node_memory(void* memory, std::size_t size) noexcept;
  void bind_port(const std::string& port, detail::NodeBase* publisher);
  std::shared_ptr<detail::InputEndpoint> new_endpoint(detail::InputCombiner combine = nullptr);

  std::unique_ptr<Impl> impl_;
};

namespace detail {
// The graph's interface for node implementations (combinators.hpp, collections.hpp) and for
// the host that loads plugin code, kept out of Graph's public members so that those are the
// plugin author's contract. Plugins do not call it. detail::internals(graph).make<N>(...).
class GraphInternals {
 public:
  explicit GraphInternals(Graph& graph) noexcept : graph_(graph) {}

  template <class N, class... Args>
  N* make(Args&&... args) {
    return graph_.make<N>(std::forward<Args>(args)...);
  }
  void adopt(NodeBase* node) { graph_.adopt(node); }
  void in_scope(NodeBase* lhs, const std::function<void()>& fn, std::vector<NodeBase*>& created) {
    graph_.in_scope(lhs, fn, created);
  }
  void relink(NodeBase* dependent, NodeBase* previous, NodeBase* next,
              const std::function<void(NodeBase*)>& set_dependency) {
    graph_.relink(dependent, previous, next, set_dependency);
  }
  void retire(std::vector<NodeBase*> nodes) { graph_.retire(std::move(nodes)); }
  void schedule(NodeBase* node) { graph_.schedule(node); }
  void journal_state(NodeBase* node) { graph_.journal_state(node); }
  bool changed_now(const NodeBase* node) const noexcept { return graph_.changed_now(node); }
  void refresh(NodeBase* node) { graph_.refresh(node); }
  void set_code_anchor(OwnerId owner, std::shared_ptr<const void> anchor) {
    graph_.set_code_anchor(owner, std::move(anchor));
  }
  using PortUse = Graph::PortUse;
  using PortUseListener = Graph::PortUseListener;
  void set_port_use_listener(PortUseListener listener) {
    graph_.set_port_use_listener(std::move(listener));
  }

 private:
  Graph& graph_;
};

inline GraphInternals internals(Graph& graph) noexcept {
  return GraphInternals(graph);
}
}  // namespace detail

template <class T>
Signal<T> Signal<T>::named(const std::string& name) const {
  node_->graph().name_node(node_, name);
  return *this;
}

template <class T>
Event<T> Event<T>::named(const std::string& name) const {
  node_->graph().name_node(node_, name);
  return *this;
}

template <class T>
Source<T> Graph::source(T initial) {
  return Source<T>(make<detail::SourceNode<T>>(std::move(initial), new_endpoint()));
}

template <class T>
EventSource<T> Graph::event_source() {
  return EventSource<T>(make<detail::EventSourceNode<T>>(new_endpoint()));
}

template <class T>
EventSource<T> Graph::event_source(std::function<T(T earlier, T later)> combine) {
  if (!combine) return event_source<T>();
  auto folded = [combine = std::move(combine)](detail::InputBox& earlier,
                                               detail::InputBox&& later) {
    earlier =
        detail::InputBox::of<T>(combine(std::move(earlier.get<T>()), std::move(later.get<T>())));
  };
  return EventSource<T>(make<detail::EventSourceNode<T>>(new_endpoint(std::move(folded))));
}

template <class T>
void Graph::publish(const std::string& port, Signal<T> node) {
  signal_port<T>(port, PortUse::publishes);
  bind_port(port, node.node());
}

template <class T>
void Graph::publish(const std::string& port, Event<T> node) {
  event_port<T>(port, PortUse::publishes);
  bind_port(port, node.node());
}

template <class T>
Signal<T> Graph::subscribe(const std::string& port) {
  return Signal<T>(signal_port<T>(port, PortUse::subscribes));
}

template <class T>
Event<T> Graph::subscribe_events(const std::string& port) {
  return Event<T>(event_port<T>(port, PortUse::subscribes));
}

template <class T>
detail::SignalPort<T>* Graph::signal_port(const std::string& port, PortUse use) {
  static_assert(std::is_default_constructible_v<T>,
                "a signal port holds T{} until published: T must be default-constructible");
  auto* node = port_for(
      port, use, false, type_layout<T>(), [this] { return make<detail::SignalPort<T>>(T{}); },
      [] { return codec_for<T, false>(); });
  return static_cast<detail::SignalPort<T>*>(node);
}

template <class T>
detail::EventPort<T>* Graph::event_port(const std::string& port, PortUse use) {
  auto* node = port_for(
      port, use, true, type_layout<T>(), [this] { return make<detail::EventPort<T>>(); },
      [] { return codec_for<T, true>(); });
  return static_cast<detail::EventPort<T>*>(node);
}

template <class T, bool kEvent>
detail::PortCodec Graph::codec_for() {
  detail::PortCodec codec;
  if constexpr (HasJsonForm<T>) {
    if constexpr (!kEvent) {
      codec.to_json = [](const detail::NodeBase* port) {
        return nlohmann::json(static_cast<const detail::SignalNode<T>*>(port)->value()).dump();
      };
    }
    codec.from_json = [](const std::string& json) {
      return detail::InputBox::of<T>(read_json<T>(nlohmann::json::parse(json)));
    };
    codec.make_source = [](Graph& graph) -> detail::NodeBase* {
      if constexpr (kEvent) {
        return graph.event_source<T>().event().node();
      } else {
        return graph.source<T>(T{}).signal().node();
      }
    };
    codec.watch = [](detail::NodeBase* port, std::function<void(const std::string&)> effect) {
      Graph& graph = port->graph();
      if constexpr (kEvent) {
        auto as_json = [effect = std::move(effect)](const T& v) {
          effect(nlohmann::json(v).dump());
        };
        auto* node = static_cast<detail::EventNode<T>*>(port);
        graph.make<detail::EventObserver<T, decltype(as_json)>>(std::move(as_json), node);
      } else {
        auto as_json = [effect = std::move(effect), form = WatchForm<T>{}](const T& v) mutable {
          effect(form.next(v));
        };
        auto* node = static_cast<detail::SignalNode<T>*>(port);
        graph.make<detail::SignalObserver<T, decltype(as_json)>>(std::move(as_json), node);
      }
    };
  }
  return codec;
}

}  // namespace mirari
