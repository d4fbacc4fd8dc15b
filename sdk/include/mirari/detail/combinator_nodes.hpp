// Internal: the node classes behind combinators.hpp. Each computes its value on creation
// (from this tick's values when created inside a tick) and in recompute(); none touches the
// graph's structure except the bind nodes, which do it through Graph's bind support calls.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include "mirari/detail/node.hpp"
#include "mirari/detail/observer_node.hpp"
#include "mirari/errors.hpp"
#include "mirari/graph.hpp"
#include "mirari/signal.hpp"
#include "mirari/source.hpp"

namespace mirari {

namespace detail {
// Whether lift_all keeps a copy of its inputs' values side by side (KeptLiftAllNode): types
// it can copy with memcpy.
template <class T>
inline constexpr bool kKeepsInputs = std::is_trivially_copyable_v<T>;
}  // namespace detail

// The values of a dynamic list of signals, as lift_all hands them to its function: an array
// when lift_all keeps copies of them, else read through the signals' nodes.
template <class T>
class Values {
  static constexpr bool kKept = detail::kKeepsInputs<T>;

 public:
  class node_iterator {
   public:
    using value_type = T;
    using difference_type = std::ptrdiff_t;
    node_iterator() = default;
    explicit node_iterator(detail::SignalNode<T>* const* p) : p_(p) {}
    const T& operator*() const { return (*p_)->value(); }
    node_iterator& operator++() {
      ++p_;
      return *this;
    }
    node_iterator operator++(int) {
      node_iterator old = *this;
      ++p_;
      return old;
    }
    friend bool operator==(const node_iterator&, const node_iterator&) = default;

   private:
    detail::SignalNode<T>* const* p_ = nullptr;
  };
  using iterator = std::conditional_t<kKept, const T*, node_iterator>;

  explicit Values(const std::vector<detail::SignalNode<T>*>& nodes) requires(!kKept)
      : nodes_(nodes.data()), size_(nodes.size()) {}
  Values(const T* values, std::size_t size) requires kKept : values_(values), size_(size) {}

  std::size_t size() const noexcept { return size_; }
  const T& operator[](std::size_t i) const {
    if constexpr (kKept) {
      return values_[i];
    } else {
      return nodes_[i]->value();
    }
  }
  iterator begin() const {
    if constexpr (kKept) {
      return values_;
    } else {
      return iterator(nodes_);
    }
  }
  iterator end() const {
    if constexpr (kKept) {
      return values_ + size_;
    } else {
      return iterator(nodes_ + size_);
    }
  }

 private:
  const T* values_ = nullptr;
  detail::SignalNode<T>* const* nodes_ = nullptr;
  std::size_t size_ = 0;
};

namespace detail {

// A cutoff other than equality makes a value depend on the values taken before (a drift
// below an epsilon is absorbed), so a node with one keeps state.
template <class Same>
inline constexpr std::uint32_t kHistory = std::is_same_v<Same, DefaultEqual> ? 0u : kStateful;

// Same: the cutoff, same(old, new) true when the new value is no change.
template <class R, class F, class Same, class... Ps>
class LiftNode final : public SignalNode<R> {
 public:
  LiftNode(Graph& graph, F f, Same same, SignalNode<Ps>*... parents)
      : SignalNode<R>(graph, R(f(parents->value()...)), kHistory<Same>),
        f_(std::move(f)),
        same_(std::move(same)),
        parents_(parents...) {}
  bool recompute() override {
    return this->assign(std::apply([this](auto*... p) { return R(f_(p->value()...)); }, parents_),
                        same_);
  }
  void visit_dependencies(const DependencyVisitor& visit) const override {
    std::apply([&](auto*... p) { (visit(p, true), ...); }, parents_);
  }
  std::string_view kind() const noexcept override { return "map"; }

 private:
  [[no_unique_address]] F f_;
  [[no_unique_address]] Same same_;
  std::tuple<SignalNode<Ps>*...> parents_;
};

// lift_all over a type it cannot copy freely: f reads the inputs through their nodes.
template <class R, class F, class T>
class LiftAllNode final : public SignalNode<R> {
 public:
  LiftAllNode(Graph& graph, F f, std::vector<SignalNode<T>*> parents)
      : SignalNode<R>(graph, R(f(Values<T>(parents)))),
        f_(std::move(f)),
        parents_(std::move(parents)) {}
  bool recompute() override { return this->assign(R(f_(Values<T>(parents_)))); }
  void visit_dependencies(const DependencyVisitor& visit) const override {
    for (auto* p : parents_) visit(p, true);
  }
  std::string_view kind() const noexcept override { return "map"; }

 private:
  [[no_unique_address]] F f_;
  std::vector<SignalNode<T>*> parents_;
};

// lift_all over a type it can copy freely: it keeps its inputs' values side by side, so f
// walks an array. With more than kReadAllUpTo inputs it copies, in a step, only those the
// graph says changed (kTellsInput): a tick in which one input of many changed reads that
// input's node, not one cache line for each input. With fewer, reading them all costs less
// than keeping the account.
//
// Invariant, between steps, with kTellsInput: values_[i] is input i's value, except for the
// inputs listed in noted_ (or all, when every_: the graph says so when it computes the node
// after a time nothing needed it), which are read before f runs. An input copied in a step
// that was then rolled back went back too, so the inputs read since the last committed tick
// (read_, read_every_) are read again in the next step.
template <class R, class F, class T>
class KeptLiftAllNode final : public SignalNode<R> {
 public:
  static constexpr std::size_t kReadAllUpTo = 16;

  KeptLiftAllNode(Graph& graph, F f, std::vector<SignalNode<T>*> parents)
      : KeptLiftAllNode(graph, std::move(f), std::move(parents),
                        std::make_unique_for_overwrite<T[]>(parents.size())) {}
  bool recompute() override {
    refresh();
    return this->assign(R(f_(Values<T>(values_.get(), parents_.size()))));
  }
  void input_changed(std::uint32_t input) noexcept override {
    if (input == kEveryInput || input >= parents_.size()) {
      every_ = true;
      return;
    }
    try {
      noted_.push_back(input);
    } catch (...) {
      every_ = true;  // out of memory: read them all rather than lose one
    }
  }
  void visit_dependencies(const DependencyVisitor& visit) const override {
    for (auto* p : parents_) visit(p, true);
  }
  std::string_view kind() const noexcept override { return "map"; }

 private:
  KeptLiftAllNode(Graph& graph, F f, std::vector<SignalNode<T>*>&& parents,
                  std::unique_ptr<T[]> values)
      : SignalNode<R>(graph, R(f(Values<T>(read_all(parents, values.get()), parents.size()))),
                      parents.size() > kReadAllUpTo ? std::uint32_t{kTellsInput} : 0u),
        f_(std::move(f)),
        parents_(std::move(parents)),
        values_(std::move(values)) {}

  // Copies every input's value into values; returns values.
  static T* read_all(const std::vector<SignalNode<T>*>& parents, T* values) {
    for (std::size_t i = 0; i < parents.size(); ++i) values[i] = parents[i]->value();
    return values;
  }

  void refresh() {
    if ((this->flags & kTellsInput) == 0) {
      read_all(parents_, values_.get());
      return;
    }
    const std::uint64_t committed = this->graph().current_tick();
    if (committed != read_at_) {  // a tick committed what was read since read_at_
      read_.clear();
      read_every_ = false;
      read_at_ = committed;
    }
    if (every_ || read_every_ || read_.size() + noted_.size() > parents_.size()) {
      read_all(parents_, values_.get());
      read_every_ = true;
      every_ = false;
      read_.clear();
      noted_.clear();
      return;
    }
    for (std::uint32_t i : noted_) read_.push_back(i);
    noted_.clear();
    for (std::uint32_t i : read_) values_[i] = parents_[i]->value();
  }

  [[no_unique_address]] F f_;
  std::vector<SignalNode<T>*> parents_;
  std::unique_ptr<T[]> values_;
  std::vector<std::uint32_t> noted_;
  std::vector<std::uint32_t> read_;
  std::uint64_t read_at_ = 0;
  bool every_ = false;
  bool read_every_ = false;
};

template <class R, class F, class A>
class EventMapNode final : public EventNode<R> {
 public:
  EventMapNode(Graph& graph, F f, EventNode<A>* parent)
      : EventNode<R>(graph), f_(std::move(f)), parent_(parent) {
    recompute();
  }
  bool recompute() override {
    return parent_->occurring() && this->occur(R(f_(parent_->occurrence())));
  }
  void visit_dependencies(const DependencyVisitor& visit) const override { visit(parent_, true); }
  std::string_view kind() const noexcept override { return "map"; }

 private:
  [[no_unique_address]] F f_;
  EventNode<A>* parent_;
};

template <class T, class F>
class FilterNode final : public EventNode<T> {
 public:
  FilterNode(Graph& graph, F keep, EventNode<T>* parent)
      : EventNode<T>(graph), keep_(std::move(keep)), parent_(parent) {
    recompute();
  }
  bool recompute() override {
    return parent_->occurring() && keep_(parent_->occurrence()) &&
           this->occur(T(parent_->occurrence()));
  }
  void visit_dependencies(const DependencyVisitor& visit) const override { visit(parent_, true); }
  std::string_view kind() const noexcept override { return "filter"; }

 private:
  [[no_unique_address]] F keep_;
  EventNode<T>* parent_;
};

template <class T>
class MergeNode final : public EventNode<T> {
 public:
  MergeNode(Graph& graph, std::vector<EventNode<T>*> parents)
      : EventNode<T>(graph), parents_(std::move(parents)) {
    recompute();
  }
  bool recompute() override {
    for (auto* p : parents_) {
      if (p->occurring()) return this->occur(T(p->occurrence()));
    }
    return false;
  }
  void visit_dependencies(const DependencyVisitor& visit) const override {
    for (auto* p : parents_) visit(p, true);
  }
  std::string_view kind() const noexcept override { return "merge"; }

 private:
  std::vector<EventNode<T>*> parents_;
};

template <class R, class F, class A>
class FoldNode final : public SignalNode<R> {
 public:
  FoldNode(Graph& graph, R initial, F f, EventNode<A>* parent)
      : SignalNode<R>(graph, std::move(initial), kStateful), f_(std::move(f)), parent_(parent) {
    if (parent_->occurring()) this->value_ = R(f_(this->value_, parent_->occurrence()));
  }
  bool recompute() override {
    return parent_->occurring() && this->assign(R(f_(this->value_, parent_->occurrence())));
  }
  void visit_dependencies(const DependencyVisitor& visit) const override { visit(parent_, true); }
  std::string_view kind() const noexcept override { return "fold"; }

 private:
  [[no_unique_address]] F f_;
  EventNode<A>* parent_;
};

template <class T>
class ChangesNode final : public EventNode<T> {
 public:
  ChangesNode(Graph& graph, SignalNode<T>* parent) : EventNode<T>(graph), parent_(parent) {
    if (internals(graph).changed_now(parent_)) recompute();
  }
  // Woken only when the parent changed in this tick.
  bool recompute() override { return this->occur(T(parent_->value())); }
  void visit_dependencies(const DependencyVisitor& visit) const override { visit(parent_, true); }
  std::string_view kind() const noexcept override { return "changes"; }

 private:
  SignalNode<T>* parent_;
};

template <class R, class F, class A, class B>
class SampleNode final : public EventNode<R> {
 public:
  SampleNode(Graph& graph, F f, EventNode<A>* trigger, SignalNode<B>* sampled)
      : EventNode<R>(graph), f_(std::move(f)), trigger_(trigger), sampled_(sampled) {
    recompute();
  }
  bool recompute() override {
    return trigger_->occurring() && this->occur(R(f_(trigger_->occurrence(), sampled_->value())));
  }
  // The sampled signal is read, not watched: its changes alone do not wake this node.
  void visit_dependencies(const DependencyVisitor& visit) const override {
    visit(trigger_, true);
    visit(sampled_, false);
  }
  std::string_view kind() const noexcept override { return "sample"; }

 private:
  [[no_unique_address]] F f_;
  EventNode<A>* trigger_;
  SignalNode<B>* sampled_;
};

template <class T>
class ConstantNode final : public SignalNode<T> {
 public:
  ConstantNode(Graph& graph, T value) : SignalNode<T>(graph, std::move(value)) {}
  bool recompute() override { return false; }
  void visit_dependencies(const DependencyVisitor&) const override {}
  std::string_view kind() const noexcept override { return "constant"; }
};

// Follows its parent, but takes a new value only when same(held, new) is false: the held
// value is the last one it took, not the parent's previous one.
template <class T, class Same>
class CutoffNode final : public SignalNode<T> {
 public:
  CutoffNode(Graph& graph, Same same, SignalNode<T>* parent)
      : SignalNode<T>(graph, T(parent->value()), kStateful),
        same_(std::move(same)),
        parent_(parent) {}
  bool recompute() override { return this->assign(T(parent_->value()), same_); }
  void visit_dependencies(const DependencyVisitor& visit) const override { visit(parent_, true); }
  std::string_view kind() const noexcept override { return "cutoff"; }

 private:
  [[no_unique_address]] Same same_;
  SignalNode<T>* parent_;
};

// Occurs with f(before, after) in each tick in which the parent changed. It reads the value
// the parent saved when it changed, so it keeps no copy of its own.
template <class R, class F, class T>
class DiffNode final : public EventNode<R> {
 public:
  DiffNode(Graph& graph, F f, SignalNode<T>* parent)
      : EventNode<R>(graph), f_(std::move(f)), parent_(parent) {
    if (internals(graph).changed_now(parent_)) recompute();
  }
  // Woken only when the parent changed in this tick.
  bool recompute() override { return this->occur(R(f_(parent_->previous(), parent_->value()))); }
  void visit_dependencies(const DependencyVisitor& visit) const override { visit(parent_, true); }
  std::string_view kind() const noexcept override { return "diff"; }

 private:
  [[no_unique_address]] F f_;
  SignalNode<T>* parent_;
};

// The occurrences of e at which the signal open is true in the same tick.
template <class T>
class GateNode final : public EventNode<T> {
 public:
  GateNode(Graph& graph, EventNode<T>* parent, SignalNode<bool>* open)
      : EventNode<T>(graph), parent_(parent), open_(open) {
    recompute();
  }
  bool recompute() override {
    return parent_->occurring() && open_->value() && this->occur(T(parent_->occurrence()));
  }
  // The gate is read, not watched: opening it alone does not make the node occur.
  void visit_dependencies(const DependencyVisitor& visit) const override {
    visit(parent_, true);
    visit(open_, false);
  }
  std::string_view kind() const noexcept override { return "gate"; }

 private:
  EventNode<T>* parent_;
  SignalNode<bool>* open_;
};

// The occurrences of e in the ticks in which c does not occur.
template <class T, class U>
class DismissNode final : public EventNode<T> {
 public:
  DismissNode(Graph& graph, EventNode<T>* parent, EventNode<U>* dismissed_at)
      : EventNode<T>(graph), parent_(parent), dismissed_at_(dismissed_at) {
    recompute();
  }
  bool recompute() override {
    return parent_->occurring() && !dismissed_at_->occurring() &&
           this->occur(T(parent_->occurrence()));
  }
  void visit_dependencies(const DependencyVisitor& visit) const override {
    visit(parent_, true);
    visit(dismissed_at_, false);
  }
  std::string_view kind() const noexcept override { return "dismiss"; }

 private:
  EventNode<T>* parent_;
  EventNode<U>* dismissed_at_;
};

// Takes the parent's value when keep(value) holds, else keeps the last value it took (initial
// when the first one is not kept).
template <class T, class Keep>
class SignalFilterNode final : public SignalNode<T> {
 public:
  SignalFilterNode(Graph& graph, Keep keep, T initial, SignalNode<T>* parent)
      : SignalNode<T>(graph, keep(parent->value()) ? T(parent->value()) : std::move(initial),
                      kStateful),
        keep_(std::move(keep)),
        parent_(parent) {}
  bool recompute() override { return keep_(parent_->value()) && this->assign(T(parent_->value())); }
  void visit_dependencies(const DependencyVisitor& visit) const override { visit(parent_, true); }
  std::string_view kind() const noexcept override { return "filter"; }

 private:
  [[no_unique_address]] Keep keep_;
  SignalNode<T>* parent_;
};

// The parent's value while open is true; while it is false, the last value taken when it
// was true (initial if it has never been).
template <class T>
class WhenNode final : public SignalNode<T> {
 public:
  WhenNode(Graph& graph, SignalNode<bool>* open, T initial, SignalNode<T>* parent)
      : SignalNode<T>(graph, open->value() ? T(parent->value()) : std::move(initial), kStateful),
        open_(open),
        parent_(parent) {}
  bool recompute() override { return open_->value() && this->assign(T(parent_->value())); }
  // Opening wakes it too: it then takes the parent's current value.
  void visit_dependencies(const DependencyVisitor& visit) const override {
    visit(open_, true);
    visit(parent_, true);
  }
  std::string_view kind() const noexcept override { return "when"; }

 private:
  SignalNode<bool>* open_;
  SignalNode<T>* parent_;
};

// The first occurrence of e; afterwards it never occurs again.
template <class T>
class OnceNode final : public EventNode<T> {
 public:
  OnceNode(Graph& graph, EventNode<T>* parent) : EventNode<T>(graph, kStateful), parent_(parent) {
    recompute();
  }
  bool recompute() override {
    if (done_ || !parent_->occurring()) return false;
    done_ = true;
    return this->occur(T(parent_->occurrence()));
  }
  void rollback() noexcept override {
    EventNode<T>::rollback();
    done_ = false;  // it can only have occurred, for the first time, in the failed tick
  }
  void visit_dependencies(const DependencyVisitor& visit) const override { visit(parent_, true); }
  std::string_view kind() const noexcept override { return "once"; }

 private:
  EventNode<T>* parent_;
  bool done_ = false;
};

// Every occurrence of e except the first.
template <class T>
class DropOnceNode final : public EventNode<T> {
 public:
  DropOnceNode(Graph& graph, EventNode<T>* parent)
      : EventNode<T>(graph, kStateful), parent_(parent) {
    dropped_ = parent_->occurring();  // created at an occurrence: that one is the first
  }
  bool recompute() override {
    if (!parent_->occurring()) return false;
    if (dropped_) return this->occur(T(parent_->occurrence()));
    dropped_ = true;
    internals(this->graph()).journal_state(this);
    return false;
  }
  void rollback() noexcept override {
    if (!this->occurring_now()) dropped_ = false;  // the failed tick dropped the first one
    EventNode<T>::rollback();
  }
  void visit_dependencies(const DependencyVisitor& visit) const override { visit(parent_, true); }
  std::string_view kind() const noexcept override { return "drop-once"; }

 private:
  EventNode<T>* parent_;
  bool dropped_ = false;
};

// The occurrences of e before the first occurrence of stop; one at the same instant as stop
// is not taken (as React's E.until).
template <class T, class U>
class UntilNode final : public EventNode<T> {
 public:
  UntilNode(Graph& graph, EventNode<T>* parent, EventNode<U>* stop)
      : EventNode<T>(graph, kStateful), parent_(parent), stop_(stop) {
    if (stop_->occurring()) {
      stopped_ = true;
    } else if (parent_->occurring()) {
      this->occur(T(parent_->occurrence()));
    }
  }
  bool recompute() override {
    if (stopped_) return false;
    if (stop_->occurring()) {
      stopped_ = true;
      internals(this->graph()).journal_state(this);
      return false;
    }
    return parent_->occurring() && this->occur(T(parent_->occurrence()));
  }
  void rollback() noexcept override {
    if (!this->occurring_now()) stopped_ = false;  // the failed tick is the one that stopped it
    EventNode<T>::rollback();
  }
  void visit_dependencies(const DependencyVisitor& visit) const override {
    visit(parent_, true);
    visit(stop_, true);
  }
  std::string_view kind() const noexcept override { return "until"; }

 private:
  EventNode<T>* parent_;
  EventNode<U>* stop_;
  bool stopped_ = false;
};

// Occurs when any parent occurs, with the occurrences of the tick combined left to right:
// f(f(a, b), c).
template <class T, class F>
class MergeWithNode final : public EventNode<T> {
 public:
  MergeWithNode(Graph& graph, F f, std::vector<EventNode<T>*> parents)
      : EventNode<T>(graph), f_(std::move(f)), parents_(std::move(parents)) {
    recompute();
  }
  bool recompute() override {
    std::optional<T> combined;
    for (auto* p : parents_) {
      if (!p->occurring()) continue;
      if (combined) {
        combined.emplace(f_(std::as_const(*combined), p->occurrence()));
      } else {
        combined.emplace(p->occurrence());
      }
    }
    return combined && this->occur(std::move(*combined));
  }
  void visit_dependencies(const DependencyVisitor& visit) const override {
    for (auto* p : parents_) visit(p, true);
  }
  std::string_view kind() const noexcept override { return "merge-with"; }

 private:
  [[no_unique_address]] F f_;
  std::vector<EventNode<T>*> parents_;
};

// Occurs when any parent occurs, with f folded over the tick's occurrences in parent order,
// from initial (React's E.merge).
template <class R, class F, class T>
class MergeFoldNode final : public EventNode<R> {
 public:
  MergeFoldNode(Graph& graph, R initial, F f, std::vector<EventNode<T>*> parents)
      : EventNode<R>(graph),
        initial_(std::move(initial)),
        f_(std::move(f)),
        parents_(std::move(parents)) {
    recompute();
  }
  bool recompute() override {
    std::optional<R> acc;
    for (auto* p : parents_) {
      if (!p->occurring()) continue;
      if (!acc) acc.emplace(initial_);
      acc.emplace(f_(std::as_const(*acc), p->occurrence()));
    }
    return acc && this->occur(std::move(*acc));
  }
  void visit_dependencies(const DependencyVisitor& visit) const override {
    for (auto* p : parents_) visit(p, true);
  }
  std::string_view kind() const noexcept override { return "merge-fold"; }

 private:
  R initial_;
  [[no_unique_address]] F f_;
  std::vector<EventNode<T>*> parents_;
};

// An event-valued fold: at each occurrence of e the state becomes f(state, value), and the
// node occurs with the new state.
template <class R, class F, class T>
class ScanNode final : public EventNode<R> {
 public:
  ScanNode(Graph& graph, R initial, F f, EventNode<T>* parent)
      : EventNode<R>(graph, kStateful),
        state_(std::move(initial)),
        f_(std::move(f)),
        parent_(parent) {
    if (parent_->occurring()) {
      R next(f_(std::as_const(state_), parent_->occurrence()));
      saved_.save(std::exchange(state_, std::move(next)));
      this->occur(R(state_));
    }
  }
  bool recompute() override {
    if (!parent_->occurring()) return false;
    R next(f_(std::as_const(state_), parent_->occurrence()));
    saved_.save(std::exchange(state_, std::move(next)));
    return this->occur(R(state_));
  }
  void rollback() noexcept override {
    EventNode<R>::rollback();
    state_ = saved_.take();
  }
  void end_tick() noexcept override {
    EventNode<R>::end_tick();
    saved_.drop();
  }
  void visit_dependencies(const DependencyVisitor& visit) const override { visit(parent_, true); }
  std::string_view kind() const noexcept override { return "scan"; }

 private:
  R state_;
  SavedValue<R> saved_;
  [[no_unique_address]] F f_;
  EventNode<T>* parent_;
};

// The hand-over half of defer: after a tick in which the parent occurred commits, it emits
// the occurrence into an event source, so it lands in a later tick through the input queue
// like any other input (and not at all if the tick rolls back).
template <class T>
class DeferFeed final : public EffectNode {
 public:
  DeferFeed(Graph& graph, EventSource<T> target, EventNode<T>* parent)
      : EffectNode(graph), target_(std::move(target)), parent_(parent) {
    this->flags |= kInternal;
  }
  void run_effect() override {
    if (parent_->occurring()) target_.emit(T(parent_->occurrence()));
  }
  void visit_dependencies(const DependencyVisitor& visit) const override { visit(parent_, true); }
  const std::string& type_name() const override { return mirari::display_type_name<T>(); }
  std::string_view kind() const noexcept override { return "defer"; }

 private:
  EventSource<T> target_;
  EventNode<T>* parent_;
};

// The half of a bind that holds the current inner node and forwards it.
template <class Inner>
class BindResult;

template <class T>
class BindResult<Signal<T>> final : public SignalNode<T> {
 public:
  BindResult(Graph& graph, NodeBase* lhs, SignalNode<T>* inner)
      : SignalNode<T>(graph, T(inner->value())), lhs_(lhs), inner_(inner) {}
  bool recompute() override { return this->assign(T(inner_->value())); }
  void visit_dependencies(const DependencyVisitor& visit) const override {
    visit(lhs_, true);
    visit(inner_, true);
  }
  std::string_view kind() const noexcept override { return "bind"; }
  NodeBase* inner() const noexcept { return inner_; }
  void set_inner(NodeBase* inner) noexcept { inner_ = static_cast<SignalNode<T>*>(inner); }

 private:
  NodeBase* lhs_;
  SignalNode<T>* inner_;
};

template <class T>
class BindResult<Event<T>> final : public EventNode<T> {
 public:
  BindResult(Graph& graph, NodeBase* lhs, EventNode<T>* inner)
      : EventNode<T>(graph), lhs_(lhs), inner_(inner) {
    recompute();
  }
  bool recompute() override { return inner_->occurring() && this->occur(T(inner_->occurrence())); }
  void visit_dependencies(const DependencyVisitor& visit) const override {
    visit(lhs_, true);
    visit(inner_, true);
  }
  std::string_view kind() const noexcept override { return "bind"; }
  NodeBase* inner() const noexcept { return inner_; }
  void set_inner(NodeBase* inner) noexcept { inner_ = static_cast<EventNode<T>*>(inner); }

 private:
  NodeBase* lhs_;
  EventNode<T>* inner_;
};

// The half of a bind that runs the user's function when the selector changes. Nodes the
// function creates form the lhs's scope: they are retired (destroyed at commit) when the
// function runs again, so a bind never accumulates the nodes of earlier selections.
template <class A, class Inner, class F>
class BindLhs final : public NodeBase {
 public:
  BindLhs(Graph& graph, F f, SignalNode<A>* selector)
      : NodeBase(graph, kBindLhs | kEndTick), f_(std::move(f)), selector_(selector) {}

  // Runs the function once, at creation; returns the first inner node.
  Inner select_first() { return select(scope_); }
  void set_result(BindResult<Inner>* result) noexcept { result_ = result; }

  bool recompute() override {
    std::vector<NodeBase*> created;
    Inner next = select(created);
    for (NodeBase* n : scope_) {
      if (n == next.node()) {
        throw GraphError("bind returned a node made by an earlier run of its function");
      }
    }
    internals(graph()).relink(result_, result_->inner(), next.node(),
                              [r = result_](NodeBase* n) { r->set_inner(n); });
    saved_scope_ = std::move(scope_);
    scope_ = std::move(created);
    internals(graph()).retire(saved_scope_);
    return true;  // wakes the result, which reads the new inner in this tick
  }
  void rollback() noexcept override { scope_ = std::move(saved_scope_); }
  void end_tick() noexcept override { saved_scope_.clear(); }
  void collect_owned(std::vector<NodeBase*>& out) const override {
    out.insert(out.end(), scope_.begin(), scope_.end());
  }
  void visit_dependencies(const DependencyVisitor& visit) const override { visit(selector_, true); }
  const std::string& type_name() const override { return mirari::display_type_name<A>(); }
  std::string_view kind() const noexcept override { return "bind-selector"; }

 private:
  Inner select(std::vector<NodeBase*>& created) {
    Inner next;
    internals(graph()).in_scope(
        this, [&] { next = f_(selector_->value()); }, created);
    if (!next) throw GraphError("bind's function returned an empty handle");
    return next;
  }

  [[no_unique_address]] F f_;
  SignalNode<A>* selector_;
  BindResult<Inner>* result_ = nullptr;
  std::vector<NodeBase*> scope_;
  std::vector<NodeBase*> saved_scope_;
};

}  // namespace detail
}  // namespace mirari
