// Handles to nodes of the graph: Signal<T> (a value at every moment) and Event<T>
// (occurrences at instants). A handle is a cheap, copyable reference to a node owned by the
// graph; it stays valid while the node's owner is in the graph. Handles are used on the
// graph's thread only; to write into the graph from other threads, use a Source (source.hpp).
#pragma once

#include <string>

#include "mirari/detail/node.hpp"
#include "mirari/type_name.hpp"

namespace mirari {

template <class T>
class Signal {
 public:
  using value_type = T;
  Signal() = default;
  explicit Signal(detail::SignalNode<T>* node) noexcept : node_(node) {}

  // The value: during a tick, this tick's value; between ticks, the committed one. A node
  // nothing needs (see graph.hpp) is brought up to date first, without becoming needed;
  // should its computation fail, that is thrown as a NodeError and the value is unchanged.
  const T& value() const {
    if ((node_->flags & detail::kIdle) != 0) [[unlikely]]
      detail::refresh_node(node_);
    return node_->value();
  }
  // Names the node in introspection (`nodes`, the DOT dump). Returns *this.
  Signal named(const std::string& name) const;

  detail::SignalNode<T>* node() const noexcept { return node_; }
  explicit operator bool() const noexcept { return node_ != nullptr; }
  friend bool operator==(const Signal&, const Signal&) = default;

 private:
  detail::SignalNode<T>* node_ = nullptr;
};

template <class T>
class Event {
 public:
  using value_type = T;
  Event() = default;
  explicit Event(detail::EventNode<T>* node) noexcept : node_(node) {}

  // Whether the event occurs in the current tick, and its value if it does. An event
  // nothing needs is not computed, and does not occur.
  bool occurring() const noexcept { return node_->occurring(); }
  const T& occurrence() const { return node_->occurrence(); }
  Event named(const std::string& name) const;

  detail::EventNode<T>* node() const noexcept { return node_; }
  explicit operator bool() const noexcept { return node_ != nullptr; }
  friend bool operator==(const Event&, const Event&) = default;

 private:
  detail::EventNode<T>* node_ = nullptr;
};

template <HasTypeName T>
struct TypeName<Signal<T>> {
  static std::string get() { return "signal<" + type_name<T>() + ">"; }
};
template <HasTypeName T>
struct TypeName<Event<T>> {
  static std::string get() { return "event<" + type_name<T>() + ">"; }
};

}  // namespace mirari
