// Incremental operators over table signals (Signal<Table<K, V>>, see table.hpp).
//
// Each operator is a graph node like the combinators of combinators.hpp: it computes its value
// on creation and recomputes in every tick in which an input table changed. It keeps the input
// version it last computed from and diffs the new one against it, so a tick costs what changed
// in the table — O(changed keys x log N) — not the table's size; the first computation reads
// the whole table. Its output is a new version of its previous value, sharing what did not
// change, so nodes downstream diff cheaply too.
//
// Graph thread only, like every combinator. The functions passed here must be pure and should
// be cheap; they run only for the keys that changed. If one throws, the tick rolls back (on
// creation: nothing is added and the exception propagates). After a rolled-back tick every
// operator holds its value from before the tick and computes the next ticks from there.
#pragma once

#include <cmath>
#include <cstddef>
#include <functional>
#include <map>
#include <utility>
#include <vector>

#include "mirari/detail/collection_nodes.hpp"
#include "mirari/graph.hpp"
#include "mirari/signal.hpp"
#include "mirari/table.hpp"

namespace mirari {

// Occurs in each tick in which t changed, with the changes since its previous committed value
// (in diff order; before/after empty for an added/removed key). A node created in a tick in
// which t changed does not occur in that tick: it starts from t's value at creation.
// Cost per tick: O(changes x log N).
template <class K, class V>
Event<std::vector<TableChange<K, V>>> table_changes(Signal<Table<K, V>> t) {
  Graph& graph = t.node()->graph();
  return Event<std::vector<TableChange<K, V>>>(
      detail::internals(graph).make<detail::TableChangesNode<K, V>>(detail::ready(t)));
}

// The table of f(value) — or f(key, value) — for each entry of t. f runs once for each added
// or changed key; removed keys are dropped without calling it. Cost per tick: O(changes x
// log N) plus the calls of f.
template <class K, class V, class F>
Signal<Table<K, detail::KeyedResult<F, K, V>>> map_values(Signal<Table<K, V>> t, F f) {
  using R = detail::KeyedResult<F, K, V>;
  Graph& graph = t.node()->graph();
  return Signal<Table<K, R>>(detail::internals(graph).make<detail::MapValuesNode<K, V, R, F>>(
      std::move(f), detail::ready(t)));
}

// The entries of t for which keep(key, value) — or keep(value) — is true. keep runs once for
// each added or changed key. Cost per tick: O(changes x log N) plus the calls of keep.
template <class K, class V, class F>
Signal<Table<K, V>> filter(Signal<Table<K, V>> t, F keep) {
  Graph& graph = t.node()->graph();
  return Signal<Table<K, V>>(detail::internals(graph).make<detail::FilterTableNode<K, V, F>>(
      std::move(keep), detail::ready(t)));
}

namespace detail {
// The states behind the aggregates of namespace agg.

// A running sum that can also take values out, compensated (Neumaier) so that a long series
// of additions and removals stays within a few ulps of the sum of the current members.
struct RunningSum {
  double sum = 0.0;
  double compensation = 0.0;
  void add(double x) noexcept {
    const double t = sum + x;
    compensation += std::abs(sum) >= std::abs(x) ? (sum - t) + x : (x - t) + sum;
    sum = t;
  }
  double value() const noexcept { return sum + compensation; }
};

template <class F>
struct Measured {
  F f;
  template <class V>
  double measure(const V& v) {
    return static_cast<double>(std::invoke(f, v));
  }
};

// Members' measures with their multiplicity, in order: the extreme survives removals.
struct Ordered {
  std::map<double, std::size_t> counts;
  void add(double x) { ++counts[x]; }
  void remove(double x) {
    auto it = counts.find(x);
    if (--it->second == 0) counts.erase(it);
  }
};
}  // namespace detail

// Aggregates for group_by. f(const V&) gives a value's measure, a finite number (a NaN or an
// infinity fails the tick with std::domain_error). Each keeps a state per group that takes a
// member in and out in O(1) (min/max: O(log group size)), never rereading the group.
namespace agg {

// The number of members (no measure).
struct Count {
  using result_type = std::size_t;
  struct State {};
  template <class V>
  double measure(const V&) const noexcept {
    return 0.0;
  }
  void add(State&, double) const noexcept {}
  void remove(State&, double) const noexcept {}
  result_type result(const State&, std::size_t members) const noexcept { return members; }
};

// The sum of the members' measures.
template <class F>
struct Sum : detail::Measured<F> {
  using result_type = double;
  using State = detail::RunningSum;
  void add(State& s, double x) const noexcept { s.add(x); }
  void remove(State& s, double x) const noexcept { s.add(-x); }
  result_type result(const State& s, std::size_t) const noexcept { return s.value(); }
};

// The mean of the members' measures.
template <class F>
struct Mean : detail::Measured<F> {
  using result_type = double;
  using State = detail::RunningSum;
  void add(State& s, double x) const noexcept { s.add(x); }
  void remove(State& s, double x) const noexcept { s.add(-x); }
  result_type result(const State& s, std::size_t members) const noexcept {
    return s.value() / static_cast<double>(members);
  }
};

// The smallest of the members' measures.
template <class F>
struct Min : detail::Measured<F> {
  using result_type = double;
  using State = detail::Ordered;
  void add(State& s, double x) const { s.add(x); }
  void remove(State& s, double x) const { s.remove(x); }
  result_type result(const State& s, std::size_t) const { return s.counts.begin()->first; }
};

// The largest of the members' measures.
template <class F>
struct Max : detail::Measured<F> {
  using result_type = double;
  using State = detail::Ordered;
  void add(State& s, double x) const { s.add(x); }
  void remove(State& s, double x) const { s.remove(x); }
  result_type result(const State& s, std::size_t) const { return s.counts.rbegin()->first; }
};

inline Count count() {
  return {};
}
template <class F>
Sum<F> sum(F f) {
  return {{std::move(f)}};
}
template <class F>
Mean<F> mean(F f) {
  return {{std::move(f)}};
}
template <class F>
Min<F> min(F f) {
  return {{std::move(f)}};
}
template <class F>
Max<F> max(F f) {
  return {{std::move(f)}};
}

}  // namespace agg

// For each group g = group(key, value) — or group(value) — the aggregate (agg::count(),
// agg::sum(f), ...) of the entries in g; a group with no member left disappears from the
// result. group and the aggregate's measure run once for each added or changed key; a key
// that moves to another group leaves the old one and joins the new one. Cost per tick:
// O(changes x log N) plus the calls, with O(1) per change for count, sum and mean and
// O(log group size) for min and max. G needs std::hash and operator==.
template <class K, class V, class GroupFn, class Agg>
Signal<Table<detail::KeyedResult<GroupFn, K, V>, typename Agg::result_type>> group_by(
    Signal<Table<K, V>> t, GroupFn group, Agg agg) {
  using G = detail::KeyedResult<GroupFn, K, V>;
  using R = typename Agg::result_type;
  Graph& graph = t.node()->graph();
  return Signal<Table<G, R>>(
      detail::internals(graph).make<detail::GroupByNode<K, V, G, GroupFn, Agg>>(
          std::move(group), std::move(agg), detail::ready(t)));
}

// Inner join by key: f(key, a, b) for each key present in both tables. f runs once for each
// key that is in both after the tick and changed on either side (or newly in both); a key
// that leaves either side leaves the result. Cost per tick: O(changes x log N) plus the
// calls of f.
template <class K, class A, class B, class F>
Signal<Table<K, std::decay_t<std::invoke_result_t<F&, const K&, const A&, const B&>>>> join(
    Signal<Table<K, A>> a, Signal<Table<K, B>> b, F f) {
  using R = std::decay_t<std::invoke_result_t<F&, const K&, const A&, const B&>>;
  Graph& graph = a.node()->graph();
  return Signal<Table<K, R>>(detail::internals(graph).make<detail::JoinNode<K, A, B, R, F>>(
      std::move(f), detail::ready(a), detail::ready(b)));
}

}  // namespace mirari
