// The XenStore tree: nodes by absolute path, each with a value, its children and permissions.
//
// Invariants: every node's parent exists ("/" always does), and a parent's child list names
// exactly the nodes one level below it, in the order they were created (as C xenstored keeps
// them; a removed and recreated child moves to the end). Each change to a node (value,
// children or permissions) gives it a generation no node of this tree had before, so an
// unchanged generation means an unchanged node.
//
// A transaction works on a copy of the tree with tracking on: the copy then remembers, for
// each node an operation looked at or changed, the generation it had before (none if it did not
// exist), and which nodes changed. That is what commit needs to detect conflicts and to apply
// the changes (store.hpp).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace mirari::testing::xenstored {

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

  // From now on, record accesses and changes (for a transaction's copy).
  void track_accesses();
  // Path -> generation before the first access since track_accesses(); nullopt: absent then.
  const std::map<std::string, std::optional<std::uint64_t>>& accessed() const { return accessed_; }
  const std::set<std::string>& changed() const { return changed_; }

  // Makes path hold a copy of node, or nothing when node is null, with a fresh generation.
  // Does not touch the parent's child list: the caller replaces the parent as well (a
  // transaction's changed set always includes it).
  void replace(const std::string& path, const Node* node);

 private:
  void record_access(const std::string& path);
  // Records the access and the change, and gives the node a fresh generation.
  Node& change(const std::string& path);
  void create(const std::string& path);
  void remove_below(const std::string& path);

  std::map<std::string, Node> nodes_;
  std::uint64_t last_generation_ = 0;
  bool tracking_ = false;
  std::map<std::string, std::optional<std::uint64_t>> accessed_;
  std::set<std::string> changed_;
};

}  // namespace mirari::testing::xenstored
