#include "tree.hpp"

#include <algorithm>
#include <cerrno>

#include "path.hpp"
#include "protocol_error.hpp"

namespace mirari::xenstored {

namespace {

[[noreturn]] void missing(const std::string& path) {
  throw ProtocolError(ENOENT, "no node " + path);
}

const Node* held(const std::optional<Node>& node) {
  return node ? &*node : nullptr;
}

}  // namespace

Tree::Tree() {
  nodes_["/"] = Node{{}, {}, {"n0"}, ++last_generation_};
  for (const char* path : {"/local", "/local/domain", "/tool"}) create(path);
}

Tree Tree::view_of(const Tree& base) {
  Tree view;
  view.nodes_.clear();
  view.base_ = &base;
  // Generations the view gives are compared only with its own.
  view.last_generation_ = base.last_generation_;
  return view;
}

const Node* Tree::find(const std::string& path) const {
  if (const auto it = nodes_.find(path); it != nodes_.end()) return held(it->second);
  if (base_ == nullptr) return nullptr;
  if (const auto it = before_.find(path); it != before_.end()) return held(it->second);
  return base_->find(path);
}

const Node& Tree::get(const std::string& path) {
  record_access(path);
  const Node* node = find(path);
  if (node == nullptr) missing(path);
  return *node;
}

void Tree::write(const std::string& path, std::string value) {
  if (find(path) == nullptr) create(path);
  change(path).value = std::move(value);
}

bool Tree::mkdir(const std::string& path) {
  record_access(path);
  if (find(path) != nullptr) return false;
  create(path);
  return true;
}

bool Tree::remove(const std::string& path) {
  if (path == "/") throw ProtocolError(EINVAL, "cannot remove /");
  record_access(path);
  if (find(path) == nullptr) {
    if (find(parent_path(path)) == nullptr) missing(parent_path(path));
    record_access(parent_path(path));
    return false;
  }
  remove_below(path);
  auto& siblings = change(parent_path(path)).children;
  siblings.erase(std::find(siblings.begin(), siblings.end(), leaf_name(path)));
  return true;
}

void Tree::set_permissions(const std::string& path, std::vector<std::string> permissions) {
  record_access(path);
  if (find(path) == nullptr) missing(path);
  change(path).permissions = std::move(permissions);
}

void Tree::replace(const std::string& path, const Node* node) {
  notify(path);
  if (node == nullptr) {
    erase(path);
    return;
  }
  Node& target = nodes_[path].emplace(*node);
  target.generation = ++last_generation_;
}

void Tree::on_change(std::function<void(const std::string&, const Node*)> fn) {
  on_change_ = std::move(fn);
}

void Tree::remember(const std::string& path, const Node* before) {
  if (nodes_.contains(path)) return;  // the view's own node hides the base's
  before_.try_emplace(path, before ? std::optional<Node>(*before) : std::nullopt);
}

void Tree::record_access(const std::string& path) {
  if (base_ == nullptr || accessed_.contains(path)) return;
  const Node* node = find(path);
  accessed_.emplace(path, node ? std::optional(node->generation) : std::nullopt);
}

Node& Tree::change(const std::string& path) {
  record_access(path);
  if (base_ != nullptr) changed_.insert(path);
  notify(path);
  Node& node = own(path);
  node.generation = ++last_generation_;
  return node;
}

void Tree::create(const std::string& path) {
  const std::string parent = parent_path(path);
  if (find(parent) == nullptr) create(parent);
  record_access(path);
  notify(path);
  nodes_[path] = Node{{}, {}, find(parent)->permissions, 0};
  change(path);
  change(parent).children.emplace_back(leaf_name(path));
}

void Tree::remove_below(const std::string& path) {
  // Copied: the recursion erases the nodes whose child lists we would be walking.
  const std::vector<std::string> children = find(path)->children;
  for (const auto& child : children) remove_below(child_path(path, child));
  change(path);
  erase(path);
}

Node& Tree::own(const std::string& path) {
  auto it = nodes_.find(path);
  if (it == nodes_.end() || !it->second) {
    const Node* current = find(path);
    if (current == nullptr) missing(path);
    it = nodes_.insert_or_assign(path, *current).first;
  }
  return *it->second;
}

void Tree::erase(const std::string& path) {
  if (base_ == nullptr) {
    nodes_.erase(path);
  } else {
    nodes_[path] = std::nullopt;
  }
}

void Tree::notify(const std::string& path) const {
  if (on_change_) on_change_(path, find(path));
}

}  // namespace mirari::xenstored
