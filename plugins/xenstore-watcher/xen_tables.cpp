#include "xen_tables.hpp"

#include <algorithm>
#include <charconv>
#include <set>
#include <string_view>

#include "common/table_changes.hpp"
#include "mirari/json_read.hpp"

namespace mirari::xen {

namespace {

// Backend keys that are published as fields of the device, or only link the two ends.
constexpr std::string_view kDeviceFields[] = {"state", "online", "frontend", "frontend-id"};

}  // namespace

XenbusState parse_xenbus_state(const std::string& text) {
  int value = 0;
  const char* end = text.data() + text.size();
  auto [at, error] = std::from_chars(text.data(), end, value);
  if (error != std::errc() || at != end || value < 0 ||
      value > static_cast<int>(XenbusState::reconfigured)) {
    return XenbusState::unknown;
  }
  return static_cast<XenbusState>(value);
}

namespace {

std::optional<std::uint64_t> parse_u64(const std::string& text) {
  std::uint64_t value = 0;
  const char* end = text.data() + text.size();
  auto [at, error] = std::from_chars(text.data(), end, value);
  if (text.empty() || error != std::errc() || at != end) return std::nullopt;
  return value;
}

const std::string* find(const DomainTree& tree, const std::string& key) {
  auto it = tree.find(key);
  return it == tree.end() ? nullptr : &it->second;
}

// The node has no children in the tree (nodes below key sort between key + "/" and
// key + "0").
bool is_leaf(const DomainTree& tree, const std::string& key) {
  auto next = tree.lower_bound(key + "/");
  return next == tree.end() || next->first >= key + "0";
}

XenDomain make_domain(std::uint32_t domid, const DomainTree& tree) {
  XenDomain domain;
  domain.domid = domid;
  if (const std::string* name = find(tree, "name")) domain.name = *name;
  if (const std::string* vm = find(tree, "vm")) {
    const std::string uuid = vm->substr(vm->rfind('/') + 1);
    if (!uuid.empty()) domain.uuid = uuid;
  }
  if (const std::string* target = find(tree, "memory/target")) {
    domain.memory_target_kib = parse_u64(*target);
  }
  return domain;
}

std::optional<XenData> make_data(const XenDomain& domain, const DomainTree& tree) {
  XenData data{domain.domid, domain.name, {}};
  for (auto it = tree.lower_bound("data/"); it != tree.end() && it->first < "data0"; ++it) {
    if (is_leaf(tree, it->first)) data.values.emplace(it->first.substr(5), it->second);
  }
  if (data.values.empty()) return std::nullopt;
  return data;
}

using DeviceMap = std::map<std::string, XenDevice>;

// Where a kind's two ends keep their directories below a domain's.
struct Dirs {
  std::string_view backend;   // backend/<kind>/<frontend domid>/<devid>
  std::string_view frontend;  // device/<kind>/<devid>
};

Dirs dirs_of(XenDevice::Kind kind) {
  if (kind == XenDevice::Kind::vif) return {"backend/vif", "device/vif"};
  return {"backend/vbd", "device/vbd"};
}

// Lists the devices whose backend directories lie at or below scope (a path at or below the
// kind's backend directory, never below one device's directory) in backend_domid's tree.
void add_backends(std::uint32_t backend_domid, const DomainTree& tree, XenDevice::Kind kind,
                  const std::string& scope, DeviceMap& devices) {
  const std::string base = std::string(dirs_of(kind).backend) + "/";
  for_each_in_subtree(tree, scope, [&](const std::string& path, const std::string& value) {
    if (!path.starts_with(base)) return;  // the backend directory itself
    const std::string_view rest = std::string_view(path).substr(base.size());
    const std::size_t slash = rest.find('/');
    if (slash == std::string_view::npos) return;  // backend/<kind>/<domid>: no device yet
    const std::size_t end = rest.find('/', slash + 1);
    const std::optional<std::uint32_t> domid = parse_domid(rest.substr(0, slash));
    const std::optional<std::uint32_t> devid =
        parse_domid(rest.substr(slash + 1, end == std::string_view::npos ? end : end - slash - 1));
    if (!domid || !devid) return;
    const std::string id = std::to_string(*domid) + "/" + std::to_string(*devid);
    XenDevice& device = devices[id];
    device.kind = kind;
    device.domid = *domid;
    device.devid = *devid;
    device.backend_domid = backend_domid;
    if (end == std::string_view::npos) return;  // the device's directory itself
    const std::string key(rest.substr(end + 1));
    if (key == "state") {
      device.state = parse_xenbus_state(value);
    } else if (key == "online") {
      device.online = value == "1";
    } else if (std::find(std::begin(kDeviceFields), std::end(kDeviceFields), key) ==
                   std::end(kDeviceFields) &&
               is_leaf(tree, path)) {
      device.params[key] = value;
    }
  });
}

void add_frontend_states(const DomainTrees& trees, DeviceMap& devices) {
  for (auto& [id, device] : devices) {
    auto frontend = trees.find(device.domid);
    if (frontend == trees.end()) continue;
    const std::string dir =
        std::string(device.kind == XenDevice::Kind::vif ? "device/vif/" : "device/vbd/") +
        std::to_string(device.devid);
    if (find(frontend->second, dir) == nullptr) continue;
    const std::string* state = find(frontend->second, dir + "/state");
    device.frontend_state = state ? parse_xenbus_state(*state) : XenbusState::unknown;
  }
}

// Sets table[key] to now (absent: erases it) and appends the change, if any. Returns
// whether the key is in the table afterwards.
template <class T>
bool put(typename Table<std::string, T>::Builder& table, const std::string& key,
         std::optional<T> now, std::vector<XenChange<T>>& changes) {
  const T* current = table.find(key);
  if (current == nullptr) {
    if (!now) return false;
    changes.push_back({XenChangeKind::added, std::nullopt, *now});
    table.set(key, std::move(*now));
  } else if (!now) {
    changes.push_back({XenChangeKind::removed, *current, std::nullopt});
    table.erase(key);
    return false;
  } else if (*current != *now) {
    changes.push_back({XenChangeKind::changed, *current, *now});
    table.set(key, std::move(*now));
  }
  return true;
}

using DeviceIndex = std::map<std::uint32_t, std::set<std::string>>;

void index_device(DeviceIndex& index, const XenDevice& device, const std::string& key) {
  index[device.domid].insert(key);
  index[device.backend_domid].insert(key);
}

void unindex_device(DeviceIndex& index, const XenDevice& device, const std::string& key) {
  for (const std::uint32_t domid : {device.domid, device.backend_domid}) {
    auto it = index.find(domid);
    if (it == index.end()) continue;
    it->second.erase(key);
    if (it->second.empty()) index.erase(it);
  }
}

// Device keys ("<frontend domid>/<devid>"): one, or all those that start with a prefix.
struct KeyRange {
  std::string text;
  bool exact = false;
};

void add_keys(const std::set<std::string>& keys, const KeyRange& range,
              std::set<std::string>& out) {
  if (range.exact) {
    if (keys.contains(range.text)) out.insert(range.text);
    return;
  }
  for (auto it = keys.lower_bound(range.text); it != keys.end() && it->starts_with(range.text);
       ++it) {
    out.insert(*it);
  }
}

// The elements of scope below dir (which scope lies within), without the leading slash.
std::string_view below(std::string_view scope, std::string_view dir) {
  std::string_view rest = scope.substr(dir.size());
  if (!rest.empty()) rest.remove_prefix(1);
  return rest;
}

// The keys of the devices whose backend directory lies within scope, a path within dir.
KeyRange backend_keys(std::string_view scope, std::string_view dir) {
  const std::string_view rest = below(scope, dir);
  if (rest.empty()) return {"", false};
  const std::size_t slash = rest.find('/');
  if (slash == std::string_view::npos) return {std::string(rest) + "/", false};
  return {std::string(rest.substr(0, rest.find('/', slash + 1))), true};
}

// The keys of the devices domid fronts whose frontend directory lies within scope, a path
// within dir.
KeyRange frontend_keys(std::uint32_t domid, std::string_view scope, std::string_view dir) {
  const std::string_view rest = below(scope, dir);
  const std::string prefix = std::to_string(domid) + "/";
  if (rest.empty()) return {prefix, false};
  return {prefix + std::string(rest.substr(0, rest.find('/'))), true};
}

// The part of object (a path below a domain's directory) that lies in dir: object, or dir
// when object lies above it; none when they do not meet.
std::optional<std::string> scope_in(const std::string& object, std::string_view dir) {
  if (is_within(object, dir)) return object;
  if (is_within(dir, object)) return std::string(dir);
  return std::nullopt;
}

// The device's backend directory was read again.
bool backend_read(const DomainReads& reads, const XenDevice& device, std::string_view dir) {
  const auto read = reads.find(device.backend_domid);
  if (read == reads.end()) return false;
  if (read->second.whole) return true;
  const std::string path =
      std::string(dir) + "/" + std::to_string(device.domid) + "/" + std::to_string(device.devid);
  return std::any_of(read->second.objects.begin(), read->second.objects.end(),
                     [&](const std::string& object) {
                       return is_within(path, object) || is_within(object, path);
                     });
}

// The devices of one kind whose backend or frontend directories were read again, made
// again: those listed from a backend directory read again, and those the index knows in a
// domain read whole or in a device directory read again.
void update_devices(Devices& devices, DeviceIndex& index, const DomainTrees& trees,
                    const DomainReads& reads, XenDevice::Kind kind,
                    std::vector<XenDeviceChange>& changes) {
  const Dirs dirs = dirs_of(kind);
  DeviceMap fresh;
  std::set<std::string> affected;
  for (const auto& [domid, read] : reads) {
    const auto tree = trees.find(domid);
    const auto known = index.find(domid);
    auto add_known = [&](const KeyRange& range) {
      if (known != index.end()) add_keys(known->second, range, affected);
    };
    if (read.whole) {
      if (tree != trees.end()) {
        add_backends(domid, tree->second, kind, std::string(dirs.backend), fresh);
      }
      add_known({"", false});
      continue;
    }
    for (const std::string& object : read.objects) {
      if (const auto scope = scope_in(object, dirs.backend)) {
        if (tree != trees.end()) add_backends(domid, tree->second, kind, *scope, fresh);
        add_known(backend_keys(*scope, dirs.backend));
      }
      if (const auto scope = scope_in(object, dirs.frontend)) {
        add_known(frontend_keys(domid, *scope, dirs.frontend));
      }
    }
  }
  for (const auto& [key, device] : fresh) affected.insert(key);
  for (const std::string& key : affected) {
    if (fresh.contains(key)) continue;
    const XenDevice* device = devices.find(key);
    // Not listed again from a backend directory read again: it went with it.
    if (device == nullptr || backend_read(reads, *device, dirs.backend)) continue;
    // Its backend is unchanged: only the frontend's state can be new.
    XenDevice& copy = fresh.try_emplace(key, *device).first->second;
    copy.frontend_state.reset();
  }
  add_frontend_states(trees, fresh);
  Devices::Builder table(std::move(devices));
  for (const std::string& key : affected) {
    if (const XenDevice* old = table.find(key)) unindex_device(index, *old, key);
    auto it = fresh.find(key);
    std::optional<XenDevice> now;
    if (it != fresh.end()) now = std::move(it->second);
    if (put(table, key, std::move(now), changes)) index_device(index, *table.find(key), key);
  }
  devices = table.build();
}

}  // namespace

void update_tables(XenTables& tables, const DomainTrees& trees, const DomainReads& reads,
                   XenChanges& changes) {
  Domains::Builder domains(std::move(tables.domains));
  DataByDomain::Builder data(std::move(tables.data));
  for (const auto& [domid, read] : reads) {
    const std::string id = std::to_string(domid);
    auto tree = trees.find(domid);
    std::optional<XenDomain> domain;
    std::optional<XenData> values;
    if (tree != trees.end()) {
      domain = make_domain(domid, tree->second);
      values = make_data(*domain, tree->second);
    }
    put(domains, id, std::move(domain), changes.domains);
    put(data, id, std::move(values), changes.data);
  }
  tables.domains = domains.build();
  tables.data = data.build();
  update_devices(tables.vifs, tables.vifs_by_domain, trees, reads, XenDevice::Kind::vif,
                 changes.vifs);
  update_devices(tables.vbds, tables.vbds_by_domain, trees, reads, XenDevice::Kind::vbd,
                 changes.vbds);
}

XenTables make_tables(const DomainTrees& trees) {
  XenTables tables;
  XenChanges ignored;
  update_tables(tables, trees, whole_domains(trees), ignored);
  return tables;
}

void diff(const XenTables& before, const XenTables& after, XenChanges& changes) {
  common::diff_tables(before.domains, after.domains, changes.domains);
  common::diff_tables(before.vifs, after.vifs, changes.vifs);
  common::diff_tables(before.vbds, after.vbds, changes.vbds);
  common::diff_tables(before.data, after.data, changes.data);
}

void to_json(nlohmann::json& j, const XenTables& t) {
  j = {{"domains", t.domains}, {"vifs", t.vifs}, {"vbds", t.vbds}, {"data", t.data}};
}

void from_json(const nlohmann::json& j, XenTables& t) {
  mirari::read_json(j.at("domains"), t.domains);
  mirari::read_json(j.at("vifs"), t.vifs);
  mirari::read_json(j.at("vbds"), t.vbds);
  mirari::read_json(j.at("data"), t.data);
  t.vifs_by_domain.clear();
  t.vbds_by_domain.clear();
  for (const auto& [key, device] : t.vifs) index_device(t.vifs_by_domain, device, key);
  for (const auto& [key, device] : t.vbds) index_device(t.vbds_by_domain, device, key);
}

}  // namespace mirari::xen
