// Building the graph: every combinator makes a node owned by the current owner (the one of
// the enclosing Graph::change() or bind), computes its value at once from its dependencies'
// current values, and from then on recomputes in every tick in which a dependency changed.
// Graph thread only. A function passed here must not touch the outside world (use observe
// for that); if it throws, the tick it ran in is rolled back (or, on creation, the exception
// propagates and nothing is added).
//
// A node made in a tick (inside a bind) sees that tick's values and occurrences at once.
//   signals:   constant, lift, lift_all, map, cutoff, fold, hold, filter, when
//   events:    map, filter, merge, merge_with, merge_fold, gate, dismiss, once, drop_once,
//              until, scan, changes, diff, sample
//   time:      defer, fix (the next tick)
//   dynamic:   bind, switch_
//   effects:   observe
#pragma once

#include <concepts>
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include "mirari/detail/combinator_nodes.hpp"
#include "mirari/graph.hpp"

namespace mirari {

namespace detail {
template <class T>
struct IsSignal : std::false_type {};
template <class T>
struct IsSignal<Signal<T>> : std::true_type {};
template <class T>
struct IsEvent : std::false_type {};
template <class T>
struct IsEvent<Event<T>> : std::true_type {};

template <class F, class... Ps>
using LiftResult = std::decay_t<std::invoke_result_t<F&, const Ps&...>>;

template <class Same, class F, class... Ps>
auto make_lift(Same same, F f, Signal<Ps>... parents) {
  using R = LiftResult<F, Ps...>;
  Graph& graph = std::get<0>(std::tie(parents...)).node()->graph();
  return Signal<R>(detail::internals(graph).make<LiftNode<R, F, Same, Ps...>>(
      std::move(f), std::move(same), detail::ready(parents)...));
}

// What fix's function returned: the event to feed back, alone or with fix's result.
template <class Out, class T>
struct FixOutput {
  static constexpr bool kValid = std::is_same_v<Out, Event<T>>;
  static constexpr bool kPair = false;
  using Result = Event<T>;
};
template <class R, class T>
struct FixOutput<std::pair<Event<T>, R>, T> {
  static constexpr bool kValid = true;
  static constexpr bool kPair = true;
  using Result = R;
};

template <class T>
Graph& graph_of(const std::vector<Event<T>>& events, const char* what) {
  if (events.empty()) throw GraphError(std::string(what) + " needs at least one event");
  return events.front().node()->graph();
}
template <class T>
std::vector<EventNode<T>*> nodes_of(const std::vector<Event<T>>& events) {
  std::vector<EventNode<T>*> nodes;
  nodes.reserve(events.size());
  for (const auto& e : events) nodes.push_back(detail::ready(e));
  return nodes;
}
}  // namespace detail

// A cutoff: same(old, new) is true when new is no change from old.
template <class Same, class T>
concept SameValue = std::predicate<Same&, const T&, const T&>;

// The two values of a signal around one of its changes, as diff() gives them.
template <class T>
struct Diff {
  T before;
  T after;
  bool operator==(const Diff&) const = default;
};
template <HasTypeName T>
struct TypeName<Diff<T>> {
  static std::string get() { return "diff<" + type_name<T>() + ">"; }
};

// A signal that never changes: usable wherever a signal is. Owned by the current owner.
template <class T>
Signal<T> constant(Graph& graph, T value) {
  return Signal<T>(detail::internals(graph).make<detail::ConstantNode<T>>(std::move(value)));
}

// A signal computed from one or more signals: lift(a, b, [](const A&, const B&) { ... }).
// The function runs on creation and whenever one of the signals changed in a tick.
template <class... Args>
requires(sizeof...(Args) >= 2) auto lift(Args... args) {
  constexpr std::size_t kSignals = sizeof...(Args) - 1;
  auto all = std::make_tuple(std::move(args)...);
  return [&]<std::size_t... I>(std::index_sequence<I...>) {
    return detail::make_lift(detail::DefaultEqual{}, std::move(std::get<kSignals>(all)),
                             std::get<I>(all)...);
  }
  (std::make_index_sequence<kSignals>{});
}

// A signal computed from a list of signals of one type, fixed at creation; f receives
// Values<T>, an iterable view of their values. When T is trivially copyable the node keeps a
// copy of every input's value side by side and a tick copies only the inputs that changed:
// f then walks an array, and a tick in which one input of many changed reads that one input
// rather than all of them (8 bytes more per input).
template <class T, class F>
auto lift_all(const std::vector<Signal<T>>& signals, F f) {
  using R = std::decay_t<std::invoke_result_t<F&, Values<T>>>;
  if (signals.empty()) throw GraphError("lift_all needs at least one signal");
  std::vector<detail::SignalNode<T>*> nodes;
  nodes.reserve(signals.size());
  for (const auto& s : signals) nodes.push_back(detail::ready(s));
  Graph& graph = nodes.front()->graph();
  using Node = std::conditional_t<detail::kKeepsInputs<T>, detail::KeptLiftAllNode<R, F, T>,
                                  detail::LiftAllNode<R, F, T>>;
  return Signal<R>(detail::internals(graph).make<Node>(std::move(f), std::move(nodes)));
}

// map(signal, f) is lift with one signal; map(event, f) transforms each occurrence.
template <class T, class F>
auto map(Signal<T> s, F f) {
  return lift(s, std::move(f));
}
template <class T, class F>
auto map(Event<T> e, F f) {
  using R = std::decay_t<std::invoke_result_t<F&, const T&>>;
  Graph& graph = e.node()->graph();
  return Event<R>(
      detail::internals(graph).make<detail::EventMapNode<R, F, T>>(std::move(f), detail::ready(e)));
}

// map with its own cutoff: a recomputed value v is no change (and wakes nothing) when
// same(current, v), for instance floats within an epsilon or records compared on one field.
template <class T, class F, SameValue<detail::LiftResult<F, T>> Same>
auto map(Signal<T> s, F f, Same same) {
  return detail::make_lift(std::move(same), std::move(f), s);
}

// s with another cutoff: it takes s's value only when same(held, value) is false, where held
// is the last value it took (not s's previous one), so slow drifts still show once they add
// up. Types without operator== are never cut off otherwise; this gives them a cutoff.
template <class T, SameValue<T> Same>
Signal<T> cutoff(Signal<T> s, Same same) {
  Graph& graph = s.node()->graph();
  return Signal<T>(detail::internals(graph).make<detail::CutoffNode<T, Same>>(std::move(same),
                                                                              detail::ready(s)));
}

// The occurrences of e for which keep(value) is true.
template <class T, class F>
Event<T> filter(Event<T> e, F keep) {
  Graph& graph = e.node()->graph();
  return Event<T>(
      detail::internals(graph).make<detail::FilterNode<T, F>>(std::move(keep), detail::ready(e)));
}

// Occurs whenever one of the events occurs. When several occur in one tick, the leftmost
// wins (as React's E.select); use merge_with to combine simultaneous occurrences instead.
template <class T, class... More>
requires(std::same_as<More, Event<T>>&&...) Event<T> merge(Event<T> first, More... more) {
  Graph& graph = first.node()->graph();
  std::vector<detail::EventNode<T>*> nodes{detail::ready(first), detail::ready(more)...};
  return Event<T>(detail::internals(graph).make<detail::MergeNode<T>>(std::move(nodes)));
}

// Occurs whenever one of the events occurs; the occurrences of one tick are combined left to
// right, f(f(a, b), c), as Sodium's merge. merge_with(f, a) is a.
template <class F, class T, class... More>
requires(std::same_as<More, Event<T>>&&...) Event<T> merge_with(F f, Event<T> first, More... more) {
  Graph& graph = first.node()->graph();
  std::vector<detail::EventNode<T>*> nodes{detail::ready(first), detail::ready(more)...};
  return Event<T>(
      detail::internals(graph).make<detail::MergeWithNode<T, F>>(std::move(f), std::move(nodes)));
}

// A fold over simultaneous occurrences (React's E.merge): occurs whenever one of the events
// occurs, with f(...f(initial, v1)..., vn) over the tick's occurrences in list order. Collecting
// them all: merge_fold(events, std::vector<T>{}, push_back). Throws GraphError on no events.
template <class T, class R, class F>
Event<R> merge_fold(const std::vector<Event<T>>& events, R initial, F f) {
  Graph& graph = detail::graph_of(events, "merge_fold");
  return Event<R>(detail::internals(graph).make<detail::MergeFoldNode<R, F, T>>(
      std::move(initial), std::move(f), detail::nodes_of(events)));
}

// The occurrences of e at which open is true in the same tick (React's E.when). open is read,
// not watched: its changes alone do not make the result occur.
template <class T>
Event<T> gate(Event<T> e, Signal<bool> open) {
  Graph& graph = e.node()->graph();
  return Event<T>(
      detail::internals(graph).make<detail::GateNode<T>>(detail::ready(e), detail::ready(open)));
}

// The occurrences of e in the ticks in which dismissed_at does not occur (React's E.dismiss).
template <class T, class U>
Event<T> dismiss(Event<T> e, Event<U> dismissed_at) {
  Graph& graph = e.node()->graph();
  return Event<T>(detail::internals(graph).make<detail::DismissNode<T, U>>(
      detail::ready(e), detail::ready(dismissed_at)));
}

// The first occurrence of e, in its tick (including the tick that creates it); never again.
template <class T>
Event<T> once(Event<T> e) {
  Graph& graph = e.node()->graph();
  return Event<T>(detail::internals(graph).make<detail::OnceNode<T>>(detail::ready(e)));
}

// Every occurrence of e but the first (an occurrence in the tick that creates it is the first).
template <class T>
Event<T> drop_once(Event<T> e) {
  Graph& graph = e.node()->graph();
  return Event<T>(detail::internals(graph).make<detail::DropOnceNode<T>>(detail::ready(e)));
}

// The occurrences of e until stop first occurs; an occurrence of e in that same tick is not
// taken, nor any later one (React's E.until).
template <class T, class U>
Event<T> until(Event<T> e, Event<U> stop) {
  Graph& graph = e.node()->graph();
  return Event<T>(detail::internals(graph).make<detail::UntilNode<T, U>>(detail::ready(e),
                                                                         detail::ready(stop)));
}

// A signal that starts at initial and, at each occurrence of e, becomes f(previous, value).
template <class T, class R, class F>
Signal<R> fold(Event<T> e, R initial, F f) {
  Graph& graph = e.node()->graph();
  return Signal<R>(detail::internals(graph).make<detail::FoldNode<R, F, T>>(
      std::move(initial), std::move(f), detail::ready(e)));
}

// The event-valued fold (React's E.fold, Rx's scan): at each occurrence of e the state becomes
// f(state, value) and the result occurs with it, also when it did not change.
template <class T, class R, class F>
Event<R> scan(Event<T> e, R initial, F f) {
  Graph& graph = e.node()->graph();
  return Event<R>(detail::internals(graph).make<detail::ScanNode<R, F, T>>(
      std::move(initial), std::move(f), detail::ready(e)));
}

// A signal holding the latest occurrence of e (initial until the first one). It takes the
// new value in the tick of the occurrence.
template <class T>
Signal<T> hold(Event<T> e, T initial) {
  return fold(e, std::move(initial), [](const T&, const T& v) { return v; });
}

// Occurs, with the new value, in every tick in which s changed.
template <class T>
Event<T> changes(Signal<T> s) {
  Graph& graph = s.node()->graph();
  return Event<T>(detail::internals(graph).make<detail::ChangesNode<T>>(detail::ready(s)));
}

// Occurs with {before, after} in every tick in which s changed; diff(s, f) with
// f(before, after) instead. before is the value s had at the end of the previous tick.
template <class T, class F>
auto diff(Signal<T> s, F f) {
  using R = std::decay_t<std::invoke_result_t<F&, const T&, const T&>>;
  Graph& graph = s.node()->graph();
  return Event<R>(
      detail::internals(graph).make<detail::DiffNode<R, F, T>>(std::move(f), detail::ready(s)));
}
template <class T>
Event<Diff<T>> diff(Signal<T> s) {
  return diff(s, [](const T& before, const T& after) { return Diff<T>{before, after}; });
}

// The values of s for which keep(value) is true: it keeps the last kept value while s takes
// others, and starts at initial when s's value at creation is not kept (React's S.filter).
template <class T, class F>
requires std::predicate<F&, const T&> Signal<T> filter(Signal<T> s, F keep,
                                                       std::type_identity_t<T> initial) {
  Graph& graph = s.node()->graph();
  return Signal<T>(detail::internals(graph).make<detail::SignalFilterNode<T, F>>(
      std::move(keep), std::move(initial), detail::ready(s)));
}

// s while open is true; while it is false, the value s had when open last was true, or
// initial if it never was (React's S.when). Opening takes s's value in the same tick.
template <class T>
Signal<T> when(Signal<bool> open, Signal<T> s, std::type_identity_t<T> initial) {
  Graph& graph = s.node()->graph();
  return Signal<T>(detail::internals(graph).make<detail::WhenNode<T>>(
      detail::ready(open), std::move(initial), detail::ready(s)));
}
// when with s's value at creation as the initial value.
template <class T>
Signal<T> when(Signal<bool> open, Signal<T> s) {
  return when(open, s, T(s.value()));
}

// At each occurrence of e, f(occurrence, value of s in this tick). Changes of s alone do
// not make it occur.
template <class A, class B, class F>
auto sample(Event<A> e, Signal<B> s, F f) {
  using R = std::decay_t<std::invoke_result_t<F&, const A&, const B&>>;
  Graph& graph = e.node()->graph();
  return Event<R>(detail::internals(graph).make<detail::SampleNode<R, F, A, B>>(
      std::move(f), detail::ready(e), detail::ready(s)));
}
template <class A, class B>
Event<B> sample(Event<A> e, Signal<B> s) {
  return sample(e, s, [](const A&, const B& v) { return v; });
}

// A node whose dependencies change at run time (Froc's bind): f maps the selector's value
// to a Signal or Event, and the result follows whichever f returned last, from the tick
// in which the selector changed. Nodes f creates belong to the bind: they are removed when
// f runs again. Returning a node that a previous run of f created is an error.
template <class A, class F>
auto bind(Signal<A> selector, F f) {
  using Inner = std::decay_t<std::invoke_result_t<F&, const A&>>;
  static_assert(detail::IsSignal<Inner>::value || detail::IsEvent<Inner>::value,
                "bind's function must return a Signal or an Event");
  Graph& graph = selector.node()->graph();
  Inner result;
  graph.change(graph.current_owner(), [&] {
    auto* lhs = detail::internals(graph).make<detail::BindLhs<A, Inner, F>>(
        std::move(f), detail::ready(selector));
    Inner first = lhs->select_first();
    auto* out = detail::internals(graph).make<detail::BindResult<Inner>>(lhs, detail::ready(first));
    lhs->set_result(out);
    result = Inner(out);
  });
  return result;
}

// Follows the signal (or event) currently held by ss (React's switch).
template <class T>
Signal<T> switch_(Signal<Signal<T>> ss) {
  return bind(ss, [](const Signal<T>& s) { return s; });
}
template <class T>
Event<T> switch_(Signal<Event<T>> se) {
  return bind(se, [](const Event<T>& e) { return e; });
}

// e one tick later: each occurrence of e comes back as an occurrence of the result in a
// later tick, through the graph's input queue, after the tick of e has committed (never if it
// rolled back). It is queued behind the inputs already waiting, so it lands in the next tick
// when that tick takes them all. No effect of the caller's is involved.
template <class T>
Event<T> defer(Event<T> e) {
  Graph& graph = e.node()->graph();
  Event<T> later;
  graph.change(graph.current_owner(), [&] {
    EventSource<T> target = graph.event_source<T>();
    detail::internals(graph).make<detail::DeferFeed<T>>(target, detail::ready(e));
    later = target.event();
  });
  return later;
}

// Feedback without an effect (React's E.fix): f receives the event `previous` and returns the
// event `next` whose occurrences `previous` repeats one tick later (as defer(next)), together
// with what fix returns: f returns std::pair<Event<T>, R> and fix returns the R, or f returns
// next alone and fix returns it. All of it is built in one step.
template <class T, class F>
auto fix(Graph& graph, F f) {
  using Out = std::invoke_result_t<F&, Event<T>>;
  using Shape = detail::FixOutput<Out, T>;
  static_assert(Shape::kValid, "fix's function must return Event<T> or std::pair<Event<T>, R>");
  constexpr bool kPair = Shape::kPair;
  std::optional<typename Shape::Result> result;
  graph.change(graph.current_owner(), [&] {
    EventSource<T> target = graph.event_source<T>();
    Out out = f(target.event());
    Event<T> next;
    if constexpr (kPair) {
      next = out.first;
      result.emplace(std::move(out.second));
    } else {
      next = out;
      result.emplace(out);
    }
    detail::internals(graph).make<detail::DeferFeed<T>>(target, detail::ready(next));
  });
  return std::move(*result);
}

// Runs effect(value) after every tick in which s changed, and once after the step that
// created the observer. Effects run after commit, in the order observers were created.
template <class T, class F>
void observe(Signal<T> s, F effect) {
  Graph& graph = s.node()->graph();
  detail::internals(graph).make<detail::SignalObserver<T, F>>(std::move(effect), detail::ready(s));
}
// Runs effect(value) after every tick in which e occurred.
template <class T, class F>
void observe(Event<T> e, F effect) {
  Graph& graph = e.node()->graph();
  detail::internals(graph).make<detail::EventObserver<T, F>>(std::move(effect), detail::ready(e));
}

}  // namespace mirari
