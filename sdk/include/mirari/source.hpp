// Inputs: the only way values enter the graph.
//
// A Source<T> is a signal whose value is set from outside; an EventSource<T> emits
// occurrences. Both may be written from any thread, at any time, including from effects
// and from a node's computation (discouraged: computations should be pure). A write is
// queued and takes effect in a later tick:
// - writes to one Source within a tick coalesce: the last one wins;
// - each occurrence of an EventSource is kept, in order, one per tick: when a source has
//   several queued occurrences, successive ticks take them one by one;
// - across sources, writes are taken in the order they were made;
// - the writes made inside one Graph::batch() land together in one tick.
// Writing to a source whose node was removed does nothing and returns false.
#pragma once

#include <memory>
#include <utility>

#include "mirari/detail/input_queue.hpp"
#include "mirari/signal.hpp"

namespace mirari {

namespace detail {

template <class T>
class SourceNode final : public SignalNode<T> {
 public:
  SourceNode(Graph& graph, T initial, std::shared_ptr<InputEndpoint> endpoint)
      : SignalNode<T>(graph, std::move(initial), kSource), endpoint_(std::move(endpoint)) {
    endpoint_->node = this;
  }
  ~SourceNode() override { endpoint_->queue->forget(*endpoint_, this); }
  bool recompute() override { return false; }
  bool apply_input(const InputBox& box) override { return this->assign(T(box.get<T>())); }
  void visit_dependencies(const DependencyVisitor&) const override {}
  std::string_view kind() const noexcept override { return "source"; }
  const std::shared_ptr<InputEndpoint>& endpoint() const noexcept { return endpoint_; }
  InputEndpoint* input_endpoint() noexcept override { return endpoint_.get(); }

 private:
  std::shared_ptr<InputEndpoint> endpoint_;
};

template <class T>
class EventSourceNode final : public EventNode<T> {
 public:
  EventSourceNode(Graph& graph, std::shared_ptr<InputEndpoint> endpoint)
      : EventNode<T>(graph, kSource), endpoint_(std::move(endpoint)) {
    endpoint_->node = this;
  }
  ~EventSourceNode() override { endpoint_->queue->forget(*endpoint_, this); }
  bool recompute() override { return false; }
  bool apply_input(const InputBox& box) override { return this->occur(T(box.get<T>())); }
  void visit_dependencies(const DependencyVisitor&) const override {}
  std::string_view kind() const noexcept override { return "event-source"; }
  const std::shared_ptr<InputEndpoint>& endpoint() const noexcept { return endpoint_; }
  InputEndpoint* input_endpoint() noexcept override { return endpoint_.get(); }

 private:
  std::shared_ptr<InputEndpoint> endpoint_;
};

}  // namespace detail

template <class T>
class Source {
 public:
  Source() = default;
  explicit Source(detail::SourceNode<T>* node) : node_(node), endpoint_(node->endpoint()) {}

  // Queues v as the source's new value. Any thread. False when the source was removed.
  bool set(T v) const {
    detail::prefetch_path(node_);  // before the endpoint is read, so the misses overlap
    return endpoint_->queue->push(*endpoint_, detail::InputBox::of<T>(std::move(v)));
  }

  // The signal this source drives (graph thread).
  Signal<T> signal() const noexcept { return Signal<T>(node_); }
  operator Signal<T>() const noexcept { return signal(); }
  const T& value() const noexcept { return node_->value(); }

 private:
  detail::SourceNode<T>* node_ = nullptr;
  std::shared_ptr<detail::InputEndpoint> endpoint_;
};

template <class T>
class EventSource {
 public:
  EventSource() = default;
  explicit EventSource(detail::EventSourceNode<T>* node)
      : node_(node), endpoint_(node->endpoint()) {}

  // Queues an occurrence. Any thread. False when the source was removed.
  bool emit(T v) const {
    detail::prefetch_path(node_);  // as in Source::set
    return endpoint_->queue->push(*endpoint_, detail::InputBox::of<T>(std::move(v)));
  }

  Event<T> event() const noexcept { return Event<T>(node_); }
  operator Event<T>() const noexcept { return event(); }

 private:
  detail::EventSourceNode<T>* node_ = nullptr;
  std::shared_ptr<detail::InputEndpoint> endpoint_;
};

}  // namespace mirari
