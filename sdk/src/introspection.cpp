// What the graph tells about itself: node listings, statistics, Graphviz DOT.
#include <algorithm>
#include <map>
#include <sstream>

#include "graph_impl.hpp"

namespace mirari {

using detail::NodeBase;

std::string Graph::Impl::name_of(const NodeBase* node) const {
  if (auto it = names.find(node); it != names.end()) return it->second;
  return std::string(node->kind()) + "#" + std::to_string(node->id);
}

NodeError Graph::Impl::node_error(const NodeBase* node, const std::string& message) const {
  return NodeError(name_of(node), owners[node->owner], message);
}

TickResult& TickResult::operator+=(TickResult later) {
  if (later.ran()) tick = later.tick;
  inputs += later.inputs;
  committed += later.committed;
  rolled_back += later.rolled_back;
  recomputed += later.recomputed;
  effects += later.effects;
  for (auto& e : later.errors) errors.push_back(std::move(e));
  return *this;
}

void Graph::name_node(const NodeBase* node, std::string name) {
  impl_->names[node] = std::move(name);
}

std::vector<NodeInfo> Graph::nodes() const {
  std::vector<const NodeBase*> sorted;
  sorted.reserve(impl_->node_count);
  impl_->for_each_node([&](const NodeBase* node) { sorted.push_back(node); });
  std::sort(sorted.begin(), sorted.end(),
            [](const NodeBase* a, const NodeBase* b) { return a->id < b->id; });
  std::vector<NodeInfo> out;
  out.reserve(sorted.size());
  for (const NodeBase* node : sorted) {
    NodeInfo info;
    info.name = impl_->name_of(node);
    info.owner = impl_->owners[node->owner];
    info.kind = std::string(node->kind());
    info.type = node->type_name();
    info.event = node->is_event();
    info.height = node->height;
    info.recomputes = node->recomputes;
    info.changed_tick = node->changed_tick;
    info.needed = (node->flags & detail::kIdle) == 0;
    out.push_back(std::move(info));
  }
  return out;
}

std::size_t Graph::node_count() const noexcept {
  return impl_->node_count;
}

GraphStats Graph::stats() const {
  GraphStats s = impl_->stats;
  s.nodes = impl_->node_count;
  s.node_bytes = impl_->arena.bytes_in_use();
  s.max_height = 0;
  s.idle = 0;
  impl_->for_each_node([&](const NodeBase* node) {
    s.max_height = std::max<std::size_t>(s.max_height, node->height);
    if ((node->flags & detail::kIdle) != 0) ++s.idle;
  });
  return s;
}

namespace {
std::string quoted(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}
}  // namespace

std::string Graph::dot() const {
  const Impl& g = *impl_;
  std::map<OwnerId, std::vector<const NodeBase*>> by_owner;
  g.for_each_node([&](const NodeBase* node) { by_owner[node->owner].push_back(node); });
  std::ostringstream out;
  out << "digraph mirari {\n  rankdir=LR;\n  node [fontname=\"monospace\"];\n";
  for (auto& [owner, members] : by_owner) {
    std::sort(members.begin(), members.end(),
              [](const NodeBase* a, const NodeBase* b) { return a->id < b->id; });
    out << "  subgraph " << quoted("cluster_" + g.owners[owner])
        << " {\n    label=" << quoted(g.owners[owner]) << ";\n";
    for (const NodeBase* node : members) {
      const std::string label = g.name_of(node) + "\n" + std::string(node->kind()) + " : " +
                                (node->is_event() ? "event<" : "") + node->type_name() +
                                (node->is_event() ? ">" : "");
      out << "    n" << node->id << " [label=" << quoted(label)
          << (node->is_event() ? ", shape=box" : ", shape=ellipse") << "];\n";
    }
    out << "  }\n";
  }
  for (const auto& [owner, members] : by_owner) {
    for (const NodeBase* node : members) {
      node->visit_dependencies([&](NodeBase* dependency, bool wakes) {
        out << "  n" << dependency->id << " -> n" << node->id << (wakes ? "" : " [style=dashed]")
            << ";\n";
      });
    }
  }
  out << "}\n";
  return out.str();
}

}  // namespace mirari
