// Ports: named, typed junctions that connect plugins and outlive their publishers.
#include "graph_impl.hpp"

namespace mirari {

using detail::NodeBase;

namespace {
std::string port_kind(bool event, const std::string& type) {
  return (event ? "event<" : "signal<") + type + ">";
}
}  // namespace

NodeBase* Graph::port_for(const std::string& port, bool event, const std::string& type,
                          const std::function<NodeBase*()>& make_port) {
  Impl& g = *impl_;
  if (auto it = g.ports.find(port); it != g.ports.end()) {
    NodeBase* node = it->second;
    if (node->is_event() != event || node->type_name() != type) {
      throw PortError("port '" + port + "' carries " +
                      port_kind(node->is_event(), node->type_name()) + ", not " +
                      port_kind(event, type));
    }
    return node;
  }
  NodeBase* node = nullptr;
  change(kGraphOwner, [&] {
    node = make_port();
    g.ports.emplace(port, node);
    g.journal.undo.push_back([&g, port] { g.ports.erase(port); });
  });
  name_node(node, port);
  return node;
}

void Graph::bind_port(const std::string& port, NodeBase* publisher) {
  Impl& g = *impl_;
  NodeBase* node = g.ports.at(port);
  detail::PortLink* link = node->as_port();
  NodeBase* previous = link->publisher();
  if (previous == publisher) return;
  if (previous != nullptr && (previous->flags & detail::kLeaving) == 0) {
    throw PortError("port '" + port + "' is already published by '" +
                    g.owners[previous->owner] + "'");
  }
  change(g.owner, [&] {
    relink(node, previous, publisher, [link](NodeBase* n) { link->set_publisher(n); });
    schedule(node);
  });
}

std::vector<PortInfo> Graph::ports() const {
  std::vector<PortInfo> out;
  for (const auto& [name, node] : impl_->ports) {
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
