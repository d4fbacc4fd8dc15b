// The XenStore tree: nodes by absolute path, each with a value, its children and permissions.
//
// Invariants: every node's parent exists ("/" always does), and a parent's child list names
// exactly the nodes one level below it, in the order they were created (as C xenstored keeps
// them; a removed and recreated child moves to the end). Each change to a node (value,
// children or permissions) gives it a generation no node of this tree had before, so an
// unchanged generation means an unchanged node.
//
// A transaction works on a view of the store's tree (view_of()): the view copies nothing. It
// reads through to its base, holds its own changes, and keeps each node of the base as it
// was when the view was made once the base is about to change it (the base tells every view
// through its on_change() callback, which the store sets), so that it shows the base as it
// was plus its own changes: starting a transaction costs the same in a store of ten nodes as
// in one of a million, as in C xenstored and oxenstored. A view records, for each node an
// operation looked at or changed, the generation it had before (none if it did not exist),
// and which nodes changed. That is what commit needs to detect conflicts and to apply the
// changes (store.hpp).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace mirari::xenstored {

struct Node {
  std::string value;
  std::vector<std::string> children;     // leaf names
  std::vector<std::string> permissions;  // "n0"-style; the first names the owner
  std::uint64_t generation = 0;
};

class Tree {
 public:
  // Holds "/", "/local", "/local/domain" and "/tool", owned by dom0 ("n0"), like a fresh
  // xenstored.
  Tree();
  // A view of base as it is now, recording accesses and changes. base must outlive the view
  // and call remember() on it before changing any node (see on_change()).
  static Tree view_of(const Tree& base);

  // The node at path; throws ProtocolError(ENOENT) when there is none. Paths are canonical
  // (path.hpp).
  const Node& get(const std::string& path);
  // Sets the value, creating the node and any missing parents with empty values; new nodes
  // take their parent's permissions.
  void write(const std::string& path, std::string value);
  // Creates the node and missing parents; false (nothing changed) when it existed.
  bool mkdir(const std::string& path);
  // Removes the node and everything below it. False when it did not exist but its parent
  // does; ProtocolError(ENOENT) when the parent is missing too, EINVAL for "/".
  bool remove(const std::string& path);
  // ProtocolError(ENOENT) when the node does not exist.
  void set_permissions(const std::string& path, std::vector<std::string> permissions);

  // The node without recording an access; nullptr when there is none.
  const Node* find(const std::string& path) const;

  // In a view: path -> generation before the view's first access; nullopt: absent then.
  const std::map<std::string, std::optional<std::uint64_t>>& accessed() const { return accessed_; }
  // In a view: the nodes it changed.
  const std::set<std::string>& changed() const { return changed_; }

  // Makes path hold a copy of node, or nothing when node is null, with a fresh generation.
  // Does not touch the parent's child list: the caller replaces the parent as well (a
  // transaction's changed set always includes it).
  void replace(const std::string& path, const Node* node);

  // fn(path, node) runs before any node of this tree is created, changed or removed, with
  // the node as it is then (nullptr: absent).
  void on_change(std::function<void(const std::string& path, const Node* before)> fn);
  // In a view: the base is about to change path, which held before (nullptr: nothing); the
  // view keeps showing what the base held when the view was made.
  void remember(const std::string& path, const Node* before);

 private:
  void record_access(const std::string& path);
  // Records the access and the change, and gives the node a fresh generation.
  Node& change(const std::string& path);
  void create(const std::string& path);
  void remove_below(const std::string& path);
  // The node at path, held by this tree itself to be changed in place: a view copies it from
  // what it reads through to, the first time.
  Node& own(const std::string& path);
  void erase(const std::string& path);
  void notify(const std::string& path) const;

  // The nodes this tree holds itself; in a view, nullopt marks a node the view removed.
  std::map<std::string, std::optional<Node>> nodes_;
  // In a view: what it reads through to, and the nodes the base has changed since the view
  // was made, as they were then (nullopt: absent).
  const Tree* base_ = nullptr;
  std::map<std::string, std::optional<Node>> before_;
  std::function<void(const std::string&, const Node*)> on_change_;
  std::uint64_t last_generation_ = 0;
  std::map<std::string, std::optional<std::uint64_t>> accessed_;
  std::set<std::string> changed_;
};

}  // namespace mirari::xenstored
