// The parts of each domain's XenStore directory the watcher follows, copied as flat maps.
//
// Under <prefix>/<domid> the watcher reads only the subtrees it publishes: name, vm,
// memory/target, data, backend/vif, backend/vbd, device/vif and device/vbd. A tree maps each
// node read, by its path below the domain's directory ("backend/vif/5/0/state"), to its
// value; a domain is present while its directory exists.
//
// A watch event names one changed node. The watcher reads again the whole object that node
// belongs to (a device's directory), never the lone node, so a device a toolstack wrote in
// one transaction is seen whole the first time: the store has committed every write of the
// transaction before it sends the first event. Under data/ each node is an object of its
// own (each value is a report of its own, and a guest may keep many), so a change there
// reads only the changed node and what is below it.
//
// A refresh that reads objects again replaces, in the domain's tree, only what lies at and
// below each object: its cost follows the objects read, not the size of the domain (dom0's
// directory holds the backends of the whole fleet's devices).
//
// Invariants:
// - All reads of one read_all() or refresh() happen in one XenStore transaction, retried
//   when the store reports a conflict, so the trees show one moment of the store. The one
//   exception is a refresh that reads only values under data/: those stand alone, so it
//   reads them without a transaction (two round trips fewer on a guest's every report).
// - On failure (XenStoreError) the trees are as they were before the call.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "xenstore.hpp"

namespace mirari::xen {

using DomainTree = std::map<std::string, std::string>;
using DomainTrees = std::map<std::uint32_t, DomainTree>;

// What one read_all() or refresh() read again in a domain: all of it (its tree read again,
// or gone), or only the objects listed, each a directory below the domain's as
// objects_to_read() names them, whose nodes the tree now holds as the store did.
struct DomainRead {
  bool whole = false;
  std::vector<std::string> objects;  // when not whole
  friend bool operator==(const DomainRead&, const DomainRead&) = default;
};
using DomainReads = std::map<std::uint32_t, DomainRead>;

// Every domain of trees, read whole.
DomainReads whole_domains(const DomainTrees& trees);

// path is base or lies below it: "backend/vif/5/0" is within "backend/vif", not within
// "backend/vi".
bool is_within(std::string_view path, std::string_view base);

// Calls fn(path, value) for the node at rel and each node below it in tree, in order.
void for_each_in_subtree(const DomainTree& tree, const std::string& rel,
                         const std::function<void(const std::string&, const std::string&)>& fn);

// The directories below a domain's that must be read again when the node at rel (a path
// below the domain's directory, "" for the directory itself) changed.
std::vector<std::string> objects_to_read(std::string_view rel);

// <digits> as a domid; none for anything else.
std::optional<std::uint32_t> parse_domid(std::string_view text);

class DomainReader {
 public:
  // prefix: the directory holding the domains' directories, normally "/local/domain".
  explicit DomainReader(std::string prefix) : prefix_(std::move(prefix)) {}

  const std::string& prefix() const noexcept { return prefix_; }
  const DomainTrees& trees() const noexcept { return trees_; }

  // Reads every domain under the prefix, replacing the trees. Returns the domains whose
  // trees may differ, each whole: those there before and those there now.
  DomainReads read_all(XenStore& store);
  // Reads again what the changed nodes (absolute paths, from watch events) touch. A path
  // at or above the prefix reads everything; paths elsewhere are ignored. Returns what was
  // read again.
  DomainReads refresh(XenStore& store, const std::vector<std::string>& changed);

 private:
  // How often a conflicting transaction is tried again before its last reading is kept:
  // under writes so constant that no reading completes cleanly, an approximate state beats
  // none, and the events that follow correct every object they touch.
  static constexpr int kAttempts = 8;

  struct Work {
    bool everything = false;
    std::map<std::uint32_t, std::vector<std::string>> objects;  // "" reads the whole domain
  };
  Work plan(const std::vector<std::string>& changed) const;
  static bool needs_transaction(const Work& work);
  DomainReads run(XenStore& store, const Work& work);
  DomainTrees read_everything(XenStore& store, XenStore::Transaction t) const;
  std::optional<DomainTree> read_domain(XenStore& store, XenStore::Transaction t,
                                        std::uint32_t domid) const;
  // The nodes at and below rel in the domain, as a tree of their own.
  DomainTree read_object(XenStore& store, XenStore::Transaction t, std::uint32_t domid,
                         const std::string& rel) const;
  std::string domain_path(std::uint32_t domid) const;
  void read_subtree(XenStore& store, XenStore::Transaction t, const std::string& path,
                    const std::string& rel, DomainTree& tree, int depth) const;

  std::string prefix_;
  DomainTrees trees_;
};

}  // namespace mirari::xen
