#include "tree.hpp"

#include <algorithm>
#include <cerrno>

#include "path.hpp"
#include "protocol_error.hpp"

namespace mirari::testing::xenstored {

namespace {

[[noreturn]] void missing(const std::string& path) {
  throw ProtocolError(ENOENT, "no node " + path);
}

}  // namespace

Tree::Tree() {
  nodes_["/"] = Node{{}, {}, {"n0"}, ++last_generation_};
  for (const char* path : {"/local", "/local/domain", "/tool"}) create(path);
}

const Node* Tree::find(const std::string& path) const {
  const auto it = nodes_.find(path);
  return it == nodes_.end() ? nullptr : &it->second;
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

void Tree::track_accesses() {
  tracking_ = true;
  accessed_.clear();
  changed_.clear();
}

void Tree::replace(const std::string& path, const Node* node) {
  if (node == nullptr) {
    nodes_.erase(path);
    return;
  }
  Node& target = nodes_[path];
  target = *node;
  target.generation = ++last_generation_;
}

void Tree::record_access(const std::string& path) {
  if (!tracking_ || accessed_.contains(path)) return;
  const Node* node = find(path);
  accessed_.emplace(path, node ? std::optional(node->generation) : std::nullopt);
}

Node& Tree::change(const std::string& path) {
  record_access(path);
  if (tracking_) changed_.insert(path);
  Node& node = nodes_.at(path);
  node.generation = ++last_generation_;
  return node;
}

void Tree::create(const std::string& path) {
  const std::string parent = parent_path(path);
  if (find(parent) == nullptr) create(parent);
  record_access(path);
  Node node{{}, {}, nodes_.at(parent).permissions, 0};
  nodes_.emplace(path, std::move(node));
  change(path);
  change(parent).children.emplace_back(leaf_name(path));
}

void Tree::remove_below(const std::string& path) {
  // Copied: the recursion erases the nodes whose child lists we would be walking.
  const std::vector<std::string> children = nodes_.at(path).children;
  for (const auto& child : children) remove_below(child_path(path, child));
  change(path);
  nodes_.erase(path);
}

}  // namespace mirari::testing::xenstored
