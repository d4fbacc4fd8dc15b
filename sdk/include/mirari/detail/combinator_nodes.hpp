// Internal: the node classes behind combinators.hpp. Each computes its value on creation
// (from this tick's values when created inside a tick) and in recompute(); none touches the
// graph's structure except the bind nodes, which do it through Graph's bind support calls.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include "mirari/detail/node.hpp"
#include "mirari/detail/observer_node.hpp"
#include "mirari/errors.hpp"
#include "mirari/graph.hpp"
#include "mirari/signal.hpp"

namespace mirari {

// The values of a dynamic list of signals, as lift_all hands them to its function.
template <class T>
class Values {
 public:
  class iterator {
   public:
    using value_type = T;
    using difference_type = std::ptrdiff_t;
    iterator() = default;
    explicit iterator(detail::SignalNode<T>* const* p) : p_(p) {}
    const T& operator*() const { return (*p_)->value(); }
    iterator& operator++() {
      ++p_;
      return *this;
    }
    iterator operator++(int) {
      iterator old = *this;
      ++p_;
      return old;
    }
    friend bool operator==(const iterator&, const iterator&) = default;

   private:
    detail::SignalNode<T>* const* p_ = nullptr;
  };

  explicit Values(const std::vector<detail::SignalNode<T>*>& nodes) : nodes_(&nodes) {}
  std::size_t size() const noexcept { return nodes_->size(); }
  const T& operator[](std::size_t i) const { return (*nodes_)[i]->value(); }
  iterator begin() const { return iterator(nodes_->data()); }
  iterator end() const { return iterator(nodes_->data() + nodes_->size()); }

 private:
  const std::vector<detail::SignalNode<T>*>* nodes_;
};

namespace detail {

template <class R, class F, class... Ps>
class LiftNode final : public SignalNode<R> {
 public:
  LiftNode(Graph& graph, F f, SignalNode<Ps>*... parents)
      : SignalNode<R>(graph, R(f(parents->value()...))), f_(std::move(f)), parents_(parents...) {}
  bool recompute() override {
    return this->assign(std::apply([this](auto*... p) { return R(f_(p->value()...)); }, parents_));
  }
  void visit_dependencies(const DependencyVisitor& visit) const override {
    std::apply([&](auto*... p) { (visit(p, true), ...); }, parents_);
  }
  std::string_view kind() const noexcept override { return "map"; }

 private:
  [[no_unique_address]] F f_;
  std::tuple<SignalNode<Ps>*...> parents_;
};

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
      : SignalNode<R>(graph, std::move(initial)), f_(std::move(f)), parent_(parent) {
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
    if (graph.changed_now(parent_)) recompute();
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
    graph().relink(result_, result_->inner(), next.node(),
                   [r = result_](NodeBase* n) { r->set_inner(n); });
    saved_scope_ = std::move(scope_);
    scope_ = std::move(created);
    graph().retire(saved_scope_);
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
    graph().in_scope(
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
