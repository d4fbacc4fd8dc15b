// Ports: named, typed junctions that connect plugins and outlive their publishers.
#include "graph_impl.hpp"

namespace mirari {

using detail::NodeBase;

namespace {
std::string port_kind(bool event, const std::string& type) {
  return (event ? "event<" : "signal<") + type + ">";
}
}  // namespace

// A port's type is fixed by its first use; a later use with another kind, stable name or
// layout is refused before anything is built, so a refused plugin leaves the port as it was.
NodeBase* Graph::port_for(const std::string& port, PortUse use, bool event, const TypeLayout& type,
                          const std::function<NodeBase*()>& make_port,
                          const std::function<detail::PortCodec()>& make_codec) {
  Impl& g = *impl_;
  if (g.port_use_listener) g.port_use_listener(g.owner, port, use);
  const std::string& user = g.owners[g.owner];
  if (auto it = g.ports.find(port); it != g.ports.end()) {
    const Impl::Port& p = it->second;
    const bool p_event = p.node->is_event();
    if (p_event != event || p.type.name != type.name) {
      throw PortError("port '" + port + "' carries " + port_kind(p_event, p.type.name) +
                      " (first used by '" + p.first_user + "'), not " +
                      port_kind(event, type.name) + " as '" + user + "' uses it");
    }
    if (auto difference = layout_difference(type, p.type)) {
      throw PortError("port '" + port + "': '" + user + "' and '" + p.first_user + "' declare " +
                      type.name + " differently (" + *difference + ")");
    }
    return p.node;
  }
  std::shared_ptr<const void> anchor;
  if (auto it = g.anchors.find(g.owner); it != g.anchors.end()) anchor = it->second;
  NodeBase* node = nullptr;
  change(kGraphOwner, [&] {
    node = make_port();
    g.ports.emplace(port, Impl::Port{std::move(anchor), node, make_codec(), type, user});
    g.journal.undo.push_back([&g, port] { g.ports.erase(port); });
  });
  name_node(node, port);
  return node;
}

void Graph::set_port_use_listener(PortUseListener listener) {
  impl_->port_use_listener = std::move(listener);
}

Graph::Impl::Port& Graph::Impl::port(const std::string& name) {
  auto it = ports.find(name);
  if (it == ports.end()) throw PortError("no port '" + name + "'");
  return it->second;
}

namespace {
// A source the graph published itself for a port that a tool wrote while nothing published
// it. It gives way to the first real publisher.
bool is_stand_in(const NodeBase* node) {
  return (node->flags & detail::kStandIn) != 0;
}

PortError no_json_form(const std::string& port, const NodeBase* node) {
  return PortError("port '" + port + "' carries " + node->type_name() + ", which has no JSON form");
}
}  // namespace

std::string Graph::port_json(const std::string& port) const {
  Impl::Port& p = impl_->port(port);
  if (p.node->is_event()) {
    throw PortError("port '" + port + "' is an event port: it has occurrences, not a value");
  }
  if (!p.codec.to_json) throw no_json_form(port, p.node);
  return p.codec.to_json(p.node);
}

void Graph::write_port_json(const std::string& port, const std::string& json) {
  Impl::Port& p = impl_->port(port);
  if (!p.codec.from_json) throw no_json_form(port, p.node);
  NodeBase* publisher = p.node->as_port()->publisher();
  if (publisher == nullptr) {
    change(kGraphOwner, [&] {
      publisher = p.codec.make_source(*this);
      publisher->flags |= detail::kStandIn;
      bind_port(port, publisher);
    });
  }
  if ((publisher->flags & detail::kSource) == 0) {
    throw PortError("port '" + port + "' is published by a node of '" +
                    impl_->owners[publisher->owner] + "', not by a source: it cannot be written");
  }
  detail::InputBox value = [&] {
    try {
      return p.codec.from_json(json);
    } catch (const std::exception& e) {
      throw PortError("'" + json + "' is not a value of port '" + port + "' (" +
                      p.node->type_name() + "): " + e.what());
    }
  }();
  // Through the source's endpoint, like any other write: it lands in a later tick.
  impl_->queue->push(*publisher->input_endpoint(), std::move(value));
}

void Graph::watch_port(const std::string& port, OwnerId owner,
                       std::function<void(const std::string&)> effect) {
  Impl::Port& p = impl_->port(port);
  if (!p.codec.watch) throw no_json_form(port, p.node);
  change(owner, [&] { p.codec.watch(p.node, std::move(effect)); });
}

void Graph::set_code_anchor(OwnerId owner, std::shared_ptr<const void> anchor) {
  if (anchor) {
    impl_->anchors[owner] = std::move(anchor);
  } else {
    impl_->anchors.erase(owner);
  }
}

void Graph::bind_port(const std::string& port, NodeBase* publisher) {
  Impl& g = *impl_;
  NodeBase* node = g.ports.at(port).node;
  detail::PortLink* link = node->as_port();
  NodeBase* previous = link->publisher();
  if (previous == publisher) return;
  const bool stand_in = previous != nullptr && is_stand_in(previous);
  if (previous != nullptr && (previous->flags & detail::kLeaving) == 0 && !stand_in) {
    throw PortError("port '" + port + "' is already published by '" + g.owners[previous->owner] +
                    "'");
  }
  change(g.owner, [&] {
    relink(node, previous, publisher, [link](NodeBase* n) { link->set_publisher(n); });
    if (stand_in) retire({previous});
    schedule(node);
  });
}

std::vector<PortInfo> Graph::ports() const {
  std::vector<PortInfo> out;
  for (const auto& [name, record] : impl_->ports) {
    NodeBase* node = record.node;
    PortInfo info;
    info.name = name;
    info.type = node->type_name();
    info.event = node->is_event();
    if (NodeBase* from = node->as_port()->publisher()) info.publisher = impl_->owners[from->owner];
    info.subscribers = node->dependents.size();
    out.push_back(std::move(info));
  }
  return out;
}

}  // namespace mirari
