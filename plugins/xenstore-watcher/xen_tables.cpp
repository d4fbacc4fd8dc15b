#include "xen_tables.hpp"

#include <algorithm>
#include <charconv>
#include <set>
#include <string_view>

#include "common/table_changes.hpp"

namespace mirari::xen {

namespace {

// Backend keys that are published as fields of the device, or only link the two ends.
constexpr std::string_view kDeviceFields[] = {"state", "online", "frontend", "frontend-id"};

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

// Lists the devices whose backend directories (backend/<kind>/<domid>/<devid>) lie in
// backend_domid's tree.
void add_backends(std::uint32_t backend_domid, const DomainTree& tree, XenDevice::Kind kind,
                  DeviceMap& devices) {
  const std::string base = kind == XenDevice::Kind::vif ? "backend/vif/" : "backend/vbd/";
  for (auto it = tree.lower_bound(base); it != tree.end() && it->first.starts_with(base); ++it) {
    const std::string_view rest = std::string_view(it->first).substr(base.size());
    const std::size_t slash = rest.find('/');
    if (slash == std::string_view::npos) continue;  // backend/<kind>/<domid>: no device yet
    const std::size_t end = rest.find('/', slash + 1);
    const std::optional<std::uint32_t> domid = parse_domid(rest.substr(0, slash));
    const std::optional<std::uint32_t> devid =
        parse_domid(rest.substr(slash + 1, end == std::string_view::npos ? end : end - slash - 1));
    if (!domid || !devid) continue;
    const std::string id = std::to_string(*domid) + "/" + std::to_string(*devid);
    XenDevice& device = devices[id];
    device.kind = kind;
    device.domid = *domid;
    device.devid = *devid;
    device.backend_domid = backend_domid;
    if (end == std::string_view::npos) continue;  // the device's directory itself
    const std::string key(rest.substr(end + 1));
    if (key == "state") {
      device.state = parse_xenbus_state(it->second);
    } else if (key == "online") {
      device.online = it->second == "1";
    } else if (std::find(std::begin(kDeviceFields), std::end(kDeviceFields), key) ==
                   std::end(kDeviceFields) &&
               is_leaf(tree, it->first)) {
      device.params[key] = it->second;
    }
  }
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

// The devices whose backend or frontend lies in one of domids, made again.
void update_devices(XenDevices& devices, DeviceIndex& index, const DomainTrees& trees,
                    const std::set<std::uint32_t>& domids, XenDevice::Kind kind,
                    std::vector<XenDeviceChange>& changes) {
  DeviceMap fresh;
  for (const std::uint32_t domid : domids) {
    if (auto tree = trees.find(domid); tree != trees.end()) {
      add_backends(domid, tree->second, kind, fresh);
    }
  }
  std::set<std::string> affected;
  for (const auto& [key, device] : fresh) affected.insert(key);
  for (const std::uint32_t domid : domids) {
    auto known = index.find(domid);
    if (known == index.end()) continue;
    for (const std::string& key : known->second) {
      const XenDevice* device = devices.find(key);
      if (device == nullptr) continue;
      if (domids.count(device->backend_domid) != 0) {
        affected.insert(key);
      } else if (domids.count(device->domid) != 0) {
        // Its backend is unchanged: only the frontend's state can be new.
        affected.insert(key);
        XenDevice& copy = fresh.try_emplace(key, *device).first->second;
        copy.frontend_state.reset();
      }
    }
  }
  add_frontend_states(trees, fresh);
  XenDevices::Builder table(std::move(devices));
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

void update_tables(XenTables& tables, const DomainTrees& trees,
                   const std::set<std::uint32_t>& domids, XenChanges& changes) {
  XenDomains::Builder domains(std::move(tables.domains));
  XenDataTable::Builder data(std::move(tables.data));
  for (const std::uint32_t domid : domids) {
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
  update_devices(tables.vifs, tables.vifs_by_domain, trees, domids, XenDevice::Kind::vif,
                 changes.vifs);
  update_devices(tables.vbds, tables.vbds_by_domain, trees, domids, XenDevice::Kind::vbd,
                 changes.vbds);
}

XenTables make_tables(const DomainTrees& trees) {
  std::set<std::uint32_t> domids;
  for (const auto& [domid, tree] : trees) domids.insert(domid);
  XenTables tables;
  XenChanges ignored;
  update_tables(tables, trees, domids, ignored);
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
  j.at("domains").get_to(t.domains);
  j.at("vifs").get_to(t.vifs);
  j.at("vbds").get_to(t.vbds);
  j.at("data").get_to(t.data);
  t.vifs_by_domain.clear();
  t.vbds_by_domain.clear();
  for (const auto& [key, device] : t.vifs) index_device(t.vifs_by_domain, device, key);
  for (const auto& [key, device] : t.vbds) index_device(t.vbds_by_domain, device, key);
}

}  // namespace mirari::xen
