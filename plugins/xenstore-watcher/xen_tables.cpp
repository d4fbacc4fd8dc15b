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

// Lists the devices whose backend directories (backend/<kind>/<domid>/<devid>) lie in
// backend_domid's tree.
void add_backends(std::uint32_t backend_domid, const DomainTree& tree, XenDevice::Kind kind,
                  XenDevices& devices) {
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

void add_frontend_states(const DomainTrees& trees, XenDevices& devices) {
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

// Sets table[key] to now (absent: erases it) and appends the change, if any.
template <class T>
void put(std::map<std::string, T>& table, const std::string& key, std::optional<T> now,
         std::vector<XenChange<T>>& changes) {
  auto it = table.find(key);
  if (it == table.end()) {
    if (!now) return;
    changes.push_back({XenChangeKind::added, std::nullopt, *now});
    table.emplace(key, std::move(*now));
  } else if (!now) {
    changes.push_back({XenChangeKind::removed, std::move(it->second), std::nullopt});
    table.erase(it);
  } else if (it->second != *now) {
    changes.push_back({XenChangeKind::changed, it->second, *now});
    it->second = std::move(*now);
  }
}

// The devices whose backend or frontend lies in one of domids, made again.
void update_devices(XenDevices& table, const DomainTrees& trees,
                    const std::set<std::uint32_t>& domids, XenDevice::Kind kind,
                    std::vector<XenDeviceChange>& changes) {
  XenDevices fresh;
  for (const std::uint32_t domid : domids) {
    if (auto tree = trees.find(domid); tree != trees.end()) {
      add_backends(domid, tree->second, kind, fresh);
    }
  }
  std::set<std::string> affected;
  for (const auto& [key, device] : fresh) affected.insert(key);
  for (const auto& [key, device] : table) {
    if (domids.count(device.backend_domid) != 0) {
      affected.insert(key);
    } else if (domids.count(device.domid) != 0) {
      // Its backend is unchanged: only the frontend's state can be new.
      affected.insert(key);
      XenDevice& copy = fresh.try_emplace(key, device).first->second;
      copy.frontend_state.reset();
    }
  }
  add_frontend_states(trees, fresh);
  for (const std::string& key : affected) {
    auto it = fresh.find(key);
    put(table, key, it == fresh.end() ? std::nullopt : std::optional(std::move(it->second)),
        changes);
  }
}

}  // namespace

void update_tables(XenTables& tables, const DomainTrees& trees,
                   const std::set<std::uint32_t>& domids, XenChanges& changes) {
  for (const std::uint32_t domid : domids) {
    const std::string id = std::to_string(domid);
    auto tree = trees.find(domid);
    std::optional<XenDomain> domain;
    std::optional<XenData> data;
    if (tree != trees.end()) {
      domain = make_domain(domid, tree->second);
      data = make_data(*domain, tree->second);
    }
    put(tables.domains, id, std::move(domain), changes.domains);
    put(tables.data, id, std::move(data), changes.data);
  }
  update_devices(tables.vifs, trees, domids, XenDevice::Kind::vif, changes.vifs);
  update_devices(tables.vbds, trees, domids, XenDevice::Kind::vbd, changes.vbds);
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
}

}  // namespace mirari::xen
