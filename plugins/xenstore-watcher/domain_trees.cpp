#include "domain_trees.hpp"

#include <algorithm>
#include <charconv>

namespace mirari::xen {

namespace {

// A followed directory below a domain's, and how many path elements name one object in it
// (backend/vif/<domid>/<devid> is one device: four). 0: every node is an object of its own,
// as each value a guest keeps under data/ is a report of its own.
struct Followed {
  std::string_view path;
  int object_depth;
};

constexpr Followed kFollowed[] = {
    {"name", 1},        {"vm", 1},          {"memory/target", 2}, {"data", 0},
    {"backend/vif", 4}, {"backend/vbd", 4}, {"device/vif", 3},    {"device/vbd", 3},
};

// Nodes this far below a followed directory are not read: a guest owns its data/ and
// device/ directories, and must not make the watcher walk a tree without end.
constexpr int kMaxDepth = 8;

// Removes the node at rel and every node below it.
void erase_subtree(DomainTree& tree, const std::string& rel) {
  tree.erase(rel);
  tree.erase(tree.lower_bound(rel + "/"), tree.lower_bound(rel + "0"));
}

// The first n elements of rel; rel itself when it has fewer.
std::string_view first_elements(std::string_view rel, int n) {
  std::size_t end = 0;
  for (int i = 0; i < n; ++i) {
    end = rel.find('/', end == 0 ? 0 : end + 1);
    if (end == std::string_view::npos) return rel;
  }
  return rel.substr(0, end);
}

}  // namespace

bool is_within(std::string_view path, std::string_view base) {
  return path.starts_with(base) && (path.size() == base.size() || path[base.size()] == '/');
}

std::vector<std::string> objects_to_read(std::string_view rel) {
  if (rel.empty()) return {""};
  std::vector<std::string> objects;
  for (const Followed& followed : kFollowed) {
    if (is_within(rel, followed.path)) {
      objects.emplace_back(followed.object_depth == 0 ? rel
                                                      : first_elements(rel, followed.object_depth));
    } else if (is_within(followed.path, rel)) {
      objects.emplace_back(followed.path);
    }
  }
  return objects;
}

std::optional<std::uint32_t> parse_domid(std::string_view text) {
  std::uint32_t domid = 0;
  const char* end = text.data() + text.size();
  auto [at, error] = std::from_chars(text.data(), end, domid);
  if (text.empty() || error != std::errc() || at != end) return std::nullopt;
  return domid;
}

DomainReads whole_domains(const DomainTrees& trees) {
  DomainReads reads;
  for (const auto& [domid, tree] : trees) reads[domid].whole = true;
  return reads;
}

void for_each_in_subtree(const DomainTree& tree, const std::string& rel,
                         const std::function<void(const std::string&, const std::string&)>& fn) {
  if (auto it = tree.find(rel); it != tree.end()) fn(it->first, it->second);
  // The nodes below rel sort between rel + "/" and rel + "0", '0' following '/'.
  for (auto it = tree.lower_bound(rel + "/"), end = tree.lower_bound(rel + "0"); it != end; ++it) {
    fn(it->first, it->second);
  }
}

DomainReads DomainReader::read_all(XenStore& store) {
  return run(store, Work{.everything = true, .objects = {}});
}

DomainReads DomainReader::refresh(XenStore& store, const std::vector<std::string>& changed) {
  const Work work = plan(changed);
  if (!work.everything && work.objects.empty()) return {};
  return run(store, work);
}

DomainReader::Work DomainReader::plan(const std::vector<std::string>& changed) const {
  Work work;
  for (const std::string& path : changed) {
    if (path == "/" || is_within(prefix_, path)) return Work{.everything = true, .objects = {}};
    if (!path.starts_with(prefix_ + "/")) continue;  // elsewhere, or a special "@" path
    const std::string_view rest = std::string_view(path).substr(prefix_.size() + 1);
    const std::size_t slash = rest.find('/');
    const std::optional<std::uint32_t> domid = parse_domid(rest.substr(0, slash));
    if (!domid) continue;
    const std::string_view rel =
        slash == std::string_view::npos ? std::string_view() : rest.substr(slash + 1);
    std::vector<std::string>& objects = work.objects[*domid];
    if (!objects.empty() && objects.front().empty()) continue;  // whole domain already
    if (rel.empty() || trees_.count(*domid) == 0) {
      objects.assign(1, "");
      continue;
    }
    for (std::string& object : objects_to_read(rel)) {
      if (std::find(objects.begin(), objects.end(), object) == objects.end()) {
        objects.push_back(std::move(object));
      }
    }
    if (objects.empty()) work.objects.erase(*domid);
  }
  return work;
}

// Values under data/ stand alone: reading one needs no transaction, and a value that changes
// between two reads sends another event, which reads it again.
bool DomainReader::needs_transaction(const Work& work) {
  if (work.everything) return true;
  for (const auto& [domid, objects] : work.objects) {
    for (const std::string& object : objects) {
      if (!is_within(object, "data")) return true;
    }
  }
  return false;
}

DomainReads DomainReader::run(XenStore& store, const Work& work) {
  const bool transactional = needs_transaction(work);
  for (int attempt = 1;; ++attempt) {
    const XenStore::Transaction t = transactional ? store.begin() : XenStore::kNoTransaction;
    DomainTrees everything;
    std::map<std::uint32_t, std::optional<DomainTree>> whole;
    // Each object read again, with what is now at and below it.
    std::map<std::uint32_t, std::vector<std::pair<std::string, DomainTree>>> parts;
    try {
      if (work.everything) {
        everything = read_everything(store, t);
      } else {
        for (const auto& [domid, objects] : work.objects) {
          if (objects.front().empty()) {
            whole[domid] = read_domain(store, t, domid);
            continue;
          }
          for (const std::string& object : objects) {
            parts[domid].emplace_back(object, read_object(store, t, domid, object));
          }
        }
      }
    } catch (...) {
      if (transactional) store.abort(t);
      throw;
    }
    if (transactional && !store.commit(t) && attempt < kAttempts) continue;
    DomainReads read;
    if (work.everything) {
      for (const auto& [domid, tree] : trees_) read[domid].whole = true;
      for (const auto& [domid, tree] : everything) read[domid].whole = true;
      trees_ = std::move(everything);
      return read;
    }
    for (auto& [domid, tree] : whole) {
      read[domid].whole = true;
      if (tree) {
        trees_[domid] = std::move(*tree);
      } else {
        trees_.erase(domid);
      }
    }
    for (auto& [domid, objects] : parts) {
      DomainTree& tree = trees_.at(domid);
      for (auto& [object, nodes] : objects) {
        erase_subtree(tree, object);
        tree.merge(nodes);
        read[domid].objects.push_back(object);
      }
    }
    return read;
  }
}

std::string DomainReader::domain_path(std::uint32_t domid) const {
  return prefix_ + "/" + std::to_string(domid);
}

DomainTrees DomainReader::read_everything(XenStore& store, XenStore::Transaction t) const {
  DomainTrees trees;
  const std::optional<std::vector<std::string>> names = store.directory(t, prefix_);
  if (!names) return trees;
  for (const std::string& name : *names) {
    const std::optional<std::uint32_t> domid = parse_domid(name);
    if (!domid) continue;
    if (std::optional<DomainTree> tree = read_domain(store, t, *domid)) {
      trees.emplace(*domid, std::move(*tree));
    }
  }
  return trees;
}

std::optional<DomainTree> DomainReader::read_domain(XenStore& store, XenStore::Transaction t,
                                                    std::uint32_t domid) const {
  const std::string root = domain_path(domid);
  if (!store.read(t, root)) return std::nullopt;
  DomainTree tree;
  for (const Followed& followed : kFollowed) {
    const std::string rel(followed.path);
    read_subtree(store, t, root + "/" + rel, rel, tree, 0);
  }
  return tree;
}

DomainTree DomainReader::read_object(XenStore& store, XenStore::Transaction t, std::uint32_t domid,
                                     const std::string& rel) const {
  DomainTree nodes;
  read_subtree(store, t, domain_path(domid) + "/" + rel, rel, nodes, 0);
  return nodes;
}

void DomainReader::read_subtree(XenStore& store, XenStore::Transaction t, const std::string& path,
                                const std::string& rel, DomainTree& tree, int depth) const {
  std::optional<std::string> value = store.read(t, path);
  if (!value) return;
  tree[rel] = std::move(*value);
  if (depth >= kMaxDepth) return;
  const std::optional<std::vector<std::string>> children = store.directory(t, path);
  if (!children) return;
  for (const std::string& child : *children) {
    read_subtree(store, t, path + "/" + child, rel + "/" + child, tree, depth + 1);
  }
}

}  // namespace mirari::xen
