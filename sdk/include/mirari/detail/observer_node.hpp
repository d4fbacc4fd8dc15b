// Internal: observers, the sinks whose effects run after a tick commits (see observe() in
// combinators.hpp). An observer has no value and no dependents.
#pragma once

#include <string>
#include <string_view>
#include <utility>

#include "mirari/detail/node.hpp"

namespace mirari::detail {

template <class T, class F>
class SignalObserver final : public EffectNode {
 public:
  SignalObserver(Graph& graph, F f, SignalNode<T>* parent)
      : EffectNode(graph), f_(std::move(f)), parent_(parent) {}
  void run_effect() override { f_(parent_->value()); }
  void visit_dependencies(const DependencyVisitor& visit) const override { visit(parent_, true); }
  const std::string& type_name() const override { return mirari::display_type_name<T>(); }
  std::string_view kind() const noexcept override { return "observer"; }

 private:
  [[no_unique_address]] F f_;
  SignalNode<T>* parent_;
};

template <class T, class F>
class EventObserver final : public EffectNode {
 public:
  EventObserver(Graph& graph, F f, EventNode<T>* parent)
      : EffectNode(graph), f_(std::move(f)), parent_(parent) {}
  void run_effect() override {
    if (parent_->occurring()) f_(parent_->occurrence());
  }
  void visit_dependencies(const DependencyVisitor& visit) const override { visit(parent_, true); }
  const std::string& type_name() const override { return mirari::display_type_name<T>(); }
  std::string_view kind() const noexcept override { return "observer"; }

 private:
  [[no_unique_address]] F f_;
  EventNode<T>* parent_;
};

}  // namespace mirari::detail
