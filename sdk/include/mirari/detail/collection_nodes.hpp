// Internal: the node classes behind collections.hpp. Plugin authors use the functions there.
//
// Invariant: a node's value and the state it keeps beside it correspond to one version of its
// input(s), the one held in seen_: value == op(seen_), and group_by's members_ and groups_
// are the members and aggregates of seen_. A computation diffs seen_ against the input's new
// version and touches only the keys that changed; nothing of the node changes until every
// function of the user has run for them, so a throwing function leaves the node as it was.
//
// Rollback. When the value changed in a tick that is rolled back, rollback() restores the
// value and seen_ (kept in saved_ until the tick ends); group_by marks its per-group
// aggregates stale and recounts them from its members on its next computation. When the value
// did not change (cutoff), rollback() is not called and the node keeps the failed tick's
// input in seen_: op of that input equals the value, so the invariant holds and the next
// diff starts from there.
//
// Demand. seen_ is state beside the value, so these nodes are kStateful: always needed, never
// brought up to date from idle (which restores only a value if the step rolls back).
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <unordered_map>
#include <utility>
#include <vector>

#include "mirari/detail/node.hpp"
#include "mirari/table.hpp"

namespace mirari::detail {

// f(key, value) when f takes both, else f(value).
template <class F, class K, class V>
decltype(auto) call_keyed(F& f, const K& key, const V& value) {
  if constexpr (std::is_invocable_v<F&, const K&, const V&>) {
    return f(key, value);
  } else {
    return f(value);
  }
}

template <class F, class K, class V>
using KeyedResult =
    std::decay_t<typename std::conditional_t<std::is_invocable_v<F&, const K&, const V&>,
                                             std::invoke_result<F&, const K&, const V&>,
                                             std::invoke_result<F&, const V&>>::type>;

template <class V>
std::optional<V> optional_of(const V* v) {
  return v != nullptr ? std::optional<V>(*v) : std::nullopt;
}

template <class K, class V>
class TableChangesNode final : public EventNode<std::vector<TableChange<K, V>>> {
  using Changes = std::vector<TableChange<K, V>>;

 public:
  // Starts from the table's value at creation: the first occurrence is its next change.
  TableChangesNode(Graph& graph, SignalNode<Table<K, V>>* parent)
      : EventNode<Changes>(graph, kStateful), parent_(parent), seen_(parent->value()) {}

  bool recompute() override {
    Changes changes;
    diff(seen_, parent_->value(), [&](const K& key, const V* before, const V* after) {
      changes.push_back(TableChange<K, V>{key, optional_of(before), optional_of(after)});
    });
    if (changes.empty()) return false;
    saved_ = std::exchange(seen_, parent_->value());
    return this->occur(std::move(changes));
  }
  void rollback() noexcept override {
    EventNode<Changes>::rollback();
    seen_ = std::move(saved_);
  }
  void end_tick() noexcept override {
    EventNode<Changes>::end_tick();
    saved_ = Table<K, V>();
  }
  void visit_dependencies(const DependencyVisitor& visit) const override { visit(parent_, true); }
  std::string_view kind() const noexcept override { return "table-changes"; }

 private:
  SignalNode<Table<K, V>>* parent_;
  Table<K, V> seen_;
  Table<K, V> saved_;
};

// The part of map_values and filter that is the same: one input table, an output updated key
// by key through a builder.
template <class K, class V, class R>
class UnaryTableNode : public SignalNode<Table<K, R>> {
 public:
  bool recompute() override {
    const Table<K, V>& input = parent_->value();
    typename Table<K, R>::Builder out(this->value_);
    diff(seen_, input, [&](const K& key, const V*, const V* after) { update(out, key, after); });
    Table<K, V> previous = std::exchange(seen_, input);
    if (!this->assign(out.build())) return false;
    saved_ = std::move(previous);
    return true;
  }
  void rollback() noexcept override {
    SignalNode<Table<K, R>>::rollback();
    seen_ = std::move(saved_);
  }
  void end_tick() noexcept override {
    SignalNode<Table<K, R>>::end_tick();
    saved_ = Table<K, V>();
  }
  void visit_dependencies(const DependencyVisitor& visit) const override { visit(parent_, true); }

 protected:
  UnaryTableNode(Graph& graph, SignalNode<Table<K, V>>* parent)
      : SignalNode<Table<K, R>>(graph, Table<K, R>(), kStateful), parent_(parent) {}
  // Computes the first value; called by the final class once its function is in place.
  void start() {
    typename Table<K, R>::Builder out;
    for (const auto& [key, value] : parent_->value()) update(out, key, &value);
    this->value_ = out.build();
    seen_ = parent_->value();
  }
  // Brings key's output up to date with its input value (nullptr: absent).
  virtual void update(typename Table<K, R>::Builder& out, const K& key, const V* value) = 0;

 private:
  SignalNode<Table<K, V>>* parent_;
  Table<K, V> seen_;
  Table<K, V> saved_;
};

template <class K, class V, class R, class F>
class MapValuesNode final : public UnaryTableNode<K, V, R> {
 public:
  MapValuesNode(Graph& graph, F f, SignalNode<Table<K, V>>* parent)
      : UnaryTableNode<K, V, R>(graph, parent), f_(std::move(f)) {
    this->start();
  }
  std::string_view kind() const noexcept override { return "map-values"; }

 private:
  void update(typename Table<K, R>::Builder& out, const K& key, const V* value) override {
    if (value != nullptr) {
      out.set(key, R(call_keyed(f_, key, *value)));
    } else {
      out.erase(key);
    }
  }
  [[no_unique_address]] F f_;
};

template <class K, class V, class F>
class FilterTableNode final : public UnaryTableNode<K, V, V> {
 public:
  FilterTableNode(Graph& graph, F keep, SignalNode<Table<K, V>>* parent)
      : UnaryTableNode<K, V, V>(graph, parent), keep_(std::move(keep)) {
    this->start();
  }
  std::string_view kind() const noexcept override { return "filter"; }

 private:
  void update(typename Table<K, V>::Builder& out, const K& key, const V* value) override {
    if (value != nullptr && call_keyed(keep_, key, *value)) {
      out.set(key, *value);
    } else {
      out.erase(key);
    }
  }
  [[no_unique_address]] F keep_;
};

template <class K, class A, class B, class R, class F>
class JoinNode final : public SignalNode<Table<K, R>> {
 public:
  JoinNode(Graph& graph, F f, SignalNode<Table<K, A>>* left, SignalNode<Table<K, B>>* right)
      : SignalNode<Table<K, R>>(graph, Table<K, R>(), kStateful),
        f_(std::move(f)),
        left_(left),
        right_(right) {
    this->value_ = next_value();
    seen_left_ = left_->value();
    seen_right_ = right_->value();
  }

  bool recompute() override {
    Table<K, R> next = next_value();
    Table<K, A> previous_left = std::exchange(seen_left_, left_->value());
    Table<K, B> previous_right = std::exchange(seen_right_, right_->value());
    if (!this->assign(std::move(next))) return false;
    saved_left_ = std::move(previous_left);
    saved_right_ = std::move(previous_right);
    return true;
  }
  void rollback() noexcept override {
    SignalNode<Table<K, R>>::rollback();
    seen_left_ = std::move(saved_left_);
    seen_right_ = std::move(saved_right_);
  }
  void end_tick() noexcept override {
    SignalNode<Table<K, R>>::end_tick();
    saved_left_ = Table<K, A>();
    saved_right_ = Table<K, B>();
  }
  void visit_dependencies(const DependencyVisitor& visit) const override {
    visit(left_, true);
    visit(right_, true);
  }
  std::string_view kind() const noexcept override { return "join"; }

 private:
  // The value for the inputs' current versions, from the value for seen_left_, seen_right_.
  Table<K, R> next_value() {
    const Table<K, A>& left = left_->value();
    const Table<K, B>& right = right_->value();
    typename Table<K, R>::Builder out(this->value_);
    const auto refresh = [&](const K& key, const A* a) {
      const B* b = a != nullptr ? right.find(key) : nullptr;
      if (b != nullptr) {
        out.set(key, R(f_(key, *a, *b)));
      } else {
        out.erase(key);
      }
    };
    diff(seen_left_, left, [&](const K& key, const A*, const A* a) { refresh(key, a); });
    diff(seen_right_, right, [&](const K& key, const B*, const B*) {
      const A* before = seen_left_.find(key);
      const A* a = left.find(key);
      const bool left_changed =
          before != a && (before == nullptr || a == nullptr || !(*before == *a));
      if (!left_changed) refresh(key, a);  // else refreshed with the left's changes above
    });
    return out.build();
  }

  [[no_unique_address]] F f_;
  SignalNode<Table<K, A>>* left_;
  SignalNode<Table<K, B>>* right_;
  Table<K, A> seen_left_, saved_left_;
  Table<K, B> seen_right_, saved_right_;
};

template <class K, class V, class G, class GroupFn, class Agg>
class GroupByNode final : public SignalNode<Table<G, typename Agg::result_type>> {
  using R = typename Agg::result_type;
  using Out = Table<G, R>;
  using State = typename Agg::State;

  // What the node remembers of a key: its group and its measure, so that a change or removal
  // takes it out of the right group without calling the user's functions on the old value.
  struct Member {
    G group;
    double measure;
    friend bool operator==(const Member&, const Member&) = default;
  };
  struct Group {
    State state{};
    std::size_t members = 0;
    std::uint64_t touched = 0;  // the computation that last changed it
  };

 public:
  GroupByNode(Graph& graph, GroupFn group, Agg agg, SignalNode<Table<K, V>>* parent)
      : SignalNode<Out>(graph, Out(), kStateful),
        group_(std::move(group)),
        agg_(std::move(agg)),
        parent_(parent) {
    this->value_ = advance(parent_->value());
  }

  bool recompute() override {
    Table<K, V> previous_seen = seen_;
    Table<K, Member> previous_members = members_;
    if (!this->assign(advance(parent_->value()))) return false;
    saved_seen_ = std::move(previous_seen);
    saved_members_ = std::move(previous_members);
    return true;
  }
  void rollback() noexcept override {
    SignalNode<Out>::rollback();
    seen_ = std::move(saved_seen_);
    members_ = std::move(saved_members_);
    stale_ = true;
  }
  void end_tick() noexcept override {
    SignalNode<Out>::end_tick();
    saved_seen_ = Table<K, V>();
    saved_members_ = Table<K, Member>();
  }
  void visit_dependencies(const DependencyVisitor& visit) const override { visit(parent_, true); }
  std::string_view kind() const noexcept override { return "group-by"; }

 private:
  // Moves seen_, members_ and groups_ to input and returns the matching value.
  Out advance(const Table<K, V>& input) {
    // The user's functions first, for the changed keys only: if one throws, nothing changed.
    std::vector<std::pair<const K*, std::optional<Member>>> moves;
    diff(seen_, input, [&](const K& key, const V*, const V* after) {
      std::optional<Member> next;
      if (after != nullptr) next = Member{G(call_keyed(group_, key, *after)), measured(*after)};
      moves.emplace_back(&key, std::move(next));
    });
    try {
      if (stale_) regroup();
      ++computation_;
      std::vector<const G*> touched;
      typename Table<K, Member>::Builder members(members_);
      for (auto& [key, next] : moves) {
        if (const Member* was = members_.find(*key)) leave(*was, touched);
        if (next) {
          join(*next, &touched);
          members.set(*key, std::move(*next));
        } else {
          members.erase(*key);
        }
      }
      typename Out::Builder out(this->value_);
      for (const G* group : touched) {
        auto it = groups_.find(*group);
        if (it->second.members == 0) {
          out.erase(it->first);
          groups_.erase(it);
        } else {
          out.set(it->first, agg_.result(it->second.state, it->second.members));
        }
      }
      Out next = out.build();
      members_ = members.build();
      seen_ = input;
      return next;
    } catch (...) {
      stale_ = true;  // groups_ may be half updated; members_ and seen_ were not touched
      throw;
    }
  }

  double measured(const V& value) {
    const double x = static_cast<double>(agg_.measure(value));
    if (!std::isfinite(x)) {
      throw std::domain_error("group_by: an aggregate's measure must be finite, got " +
                              std::to_string(x));
    }
    return x;
  }

  void join(const Member& m, std::vector<const G*>* touched) {
    auto [it, added] = groups_.try_emplace(m.group);
    agg_.add(it->second.state, m.measure);
    ++it->second.members;
    if (touched != nullptr && it->second.touched != computation_) {
      it->second.touched = computation_;
      touched->push_back(&it->first);
    }
  }
  void leave(const Member& m, std::vector<const G*>& touched) {
    auto it = groups_.find(m.group);
    agg_.remove(it->second.state, m.measure);
    --it->second.members;
    if (it->second.touched != computation_) {
      it->second.touched = computation_;
      touched.push_back(&it->first);
    }
  }
  // Recounts every group from members_ (after a rollback or a failed computation).
  void regroup() {
    groups_.clear();
    for (const auto& [key, member] : members_) join(member, nullptr);
    stale_ = false;
  }

  [[no_unique_address]] GroupFn group_;
  Agg agg_;
  SignalNode<Table<K, V>>* parent_;
  Table<K, V> seen_, saved_seen_;
  Table<K, Member> members_, saved_members_;
  std::unordered_map<G, Group> groups_;
  bool stale_ = false;
  std::uint64_t computation_ = 0;
};

}  // namespace mirari::detail
