// Building the graph: every combinator makes a node owned by the current owner (the one of
// the enclosing Graph::change() or bind), computes its value at once from its dependencies'
// current values, and from then on recomputes in every tick in which a dependency changed.
// Graph thread only. A function passed here must not touch the outside world (use observe
// for that); if it throws, the tick it ran in is rolled back (or, on creation, the exception
// propagates and nothing is added).
#pragma once

#include <concepts>
#include <cstddef>
#include <functional>
#include <memory>
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

template <class F, class... Ps>
auto make_lift(F f, Signal<Ps>... parents) {
  using R = LiftResult<F, Ps...>;
  Graph& graph = std::get<0>(std::tie(parents...)).node()->graph();
  return Signal<R>(graph.make<LiftNode<R, F, Ps...>>(std::move(f), parents.node()...));
}
}  // namespace detail

// A signal computed from one or more signals: lift(a, b, [](const A&, const B&) { ... }).
// The function runs on creation and whenever one of the signals changed in a tick.
template <class... Args>
requires(sizeof...(Args) >= 2) auto lift(Args... args) {
  constexpr std::size_t kSignals = sizeof...(Args) - 1;
  auto all = std::make_tuple(std::move(args)...);
  return [&]<std::size_t... I>(std::index_sequence<I...>) {
    return detail::make_lift(std::move(std::get<kSignals>(all)), std::get<I>(all)...);
  }
  (std::make_index_sequence<kSignals>{});
}

// A signal computed from a list of signals of one type, fixed at creation; f receives
// Values<T>, an iterable view of their values.
template <class T, class F>
auto lift_all(const std::vector<Signal<T>>& signals, F f) {
  using R = std::decay_t<std::invoke_result_t<F&, Values<T>>>;
  if (signals.empty()) throw GraphError("lift_all needs at least one signal");
  std::vector<detail::SignalNode<T>*> nodes;
  nodes.reserve(signals.size());
  for (const auto& s : signals) nodes.push_back(s.node());
  Graph& graph = nodes.front()->graph();
  return Signal<R>(graph.make<detail::LiftAllNode<R, F, T>>(std::move(f), std::move(nodes)));
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
  return Event<R>(graph.make<detail::EventMapNode<R, F, T>>(std::move(f), e.node()));
}

// The occurrences of e for which keep(value) is true.
template <class T, class F>
Event<T> filter(Event<T> e, F keep) {
  Graph& graph = e.node()->graph();
  return Event<T>(graph.make<detail::FilterNode<T, F>>(std::move(keep), e.node()));
}

// Occurs whenever one of the events occurs. When several occur in one tick, the leftmost
// wins (as React's E.select); use merge_with to combine simultaneous occurrences instead.
template <class T, class... More>
requires(std::same_as<More, Event<T>>&&...) Event<T> merge(Event<T> first, More... more) {
  Graph& graph = first.node()->graph();
  std::vector<detail::EventNode<T>*> nodes{first.node(), more.node()...};
  return Event<T>(graph.make<detail::MergeNode<T>>(std::move(nodes)));
}

// A signal that starts at initial and, at each occurrence of e, becomes f(previous, value).
template <class T, class R, class F>
Signal<R> fold(Event<T> e, R initial, F f) {
  Graph& graph = e.node()->graph();
  return Signal<R>(
      graph.make<detail::FoldNode<R, F, T>>(std::move(initial), std::move(f), e.node()));
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
  return Event<T>(graph.make<detail::ChangesNode<T>>(s.node()));
}

// At each occurrence of e, f(occurrence, value of s in this tick). Changes of s alone do
// not make it occur.
template <class A, class B, class F>
auto sample(Event<A> e, Signal<B> s, F f) {
  using R = std::decay_t<std::invoke_result_t<F&, const A&, const B&>>;
  Graph& graph = e.node()->graph();
  return Event<R>(graph.make<detail::SampleNode<R, F, A, B>>(std::move(f), e.node(), s.node()));
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
    auto* lhs = graph.make<detail::BindLhs<A, Inner, F>>(std::move(f), selector.node());
    Inner first = lhs->select_first();
    auto* out = graph.make<detail::BindResult<Inner>>(lhs, first.node());
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

// Runs effect(value) after every tick in which s changed, and once after the step that
// created the observer. Effects run after commit, in the order observers were created.
template <class T, class F>
void observe(Signal<T> s, F effect) {
  Graph& graph = s.node()->graph();
  graph.make<detail::SignalObserver<T, F>>(std::move(effect), s.node());
}
// Runs effect(value) after every tick in which e occurred.
template <class T, class F>
void observe(Event<T> e, F effect) {
  Graph& graph = e.node()->graph();
  graph.make<detail::EventObserver<T, F>>(std::move(effect), e.node());
}

}  // namespace mirari
