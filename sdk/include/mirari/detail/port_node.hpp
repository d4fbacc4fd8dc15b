// Internal: port nodes, the graph-owned junctions between publishers and subscribers.
//
// Invariant: a port node depends on at most one publisher node; with none, it keeps the last
// value it had (an event port simply does not occur). Rebinding is done by the graph, which
// journals it, so a rolled-back tick restores the previous publisher.
#pragma once

#include <functional>
#include <string>
#include <utility>

#include "mirari/detail/input_queue.hpp"
#include "mirari/detail/node.hpp"

namespace mirari {
class Graph;
}

namespace mirari::detail {

// What tools can do with a port by name, compiled with the port's type. Empty functions:
// the type has no JSON form.
struct PortCodec {
  std::function<std::string(const NodeBase* port)> to_json;  // signal ports
  std::function<InputBox(const std::string& json)> from_json;
  // Makes a source of the port's type (owned by the current owner), for writes to a port
  // that nothing publishes.
  std::function<NodeBase*(Graph& graph)> make_source;
  // Observes the port (owned by the current owner) and calls effect with each value as JSON.
  std::function<void(NodeBase* port, std::function<void(const std::string&)> effect)> watch;
};

class PortLink {
 public:
  virtual ~PortLink() = default;
  virtual NodeBase* publisher() const noexcept = 0;
  virtual void set_publisher(NodeBase* publisher) noexcept = 0;
};

template <class T>
class SignalPort final : public SignalNode<T>, public PortLink {
 public:
  SignalPort(Graph& graph, T initial) : SignalNode<T>(graph, std::move(initial), kPort) {}
  bool recompute() override { return from_ != nullptr && this->assign(T(from_->value())); }
  void visit_dependencies(const DependencyVisitor& visit) const override {
    if (from_ != nullptr) visit(from_, true);
  }
  std::string_view kind() const noexcept override { return "port"; }
  PortLink* as_port() noexcept override { return this; }
  NodeBase* publisher() const noexcept override { return from_; }
  void set_publisher(NodeBase* publisher) noexcept override {
    from_ = static_cast<SignalNode<T>*>(publisher);
  }

 private:
  SignalNode<T>* from_ = nullptr;
};

template <class T>
class EventPort final : public EventNode<T>, public PortLink {
 public:
  explicit EventPort(Graph& graph) : EventNode<T>(graph, kPort) {}
  bool recompute() override {
    return from_ != nullptr && from_->occurring() && this->occur(T(from_->occurrence()));
  }
  void visit_dependencies(const DependencyVisitor& visit) const override {
    if (from_ != nullptr) visit(from_, true);
  }
  std::string_view kind() const noexcept override { return "port"; }
  PortLink* as_port() noexcept override { return this; }
  NodeBase* publisher() const noexcept override { return from_; }
  void set_publisher(NodeBase* publisher) noexcept override {
    from_ = static_cast<EventNode<T>*>(publisher);
  }

 private:
  EventNode<T>* from_ = nullptr;
};

}  // namespace mirari::detail
