#include "binding_options.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <stdexcept>
#include <utility>

#include "ip_prefix.hpp"
#include "name_patterns.hpp"

namespace mirari::policies {

namespace {

std::vector<ConfigKey> flows_keys() {
  return {
      ConfigKey::optional("bridge", std::string(),
                          "the Open vSwitch bridge joining the app's port to the chosen link; "
                          "empty: no flows"),
      ConfigKey::optional("app_port", std::string(), "the app's port on the bridge, by name"),
      ConfigKey::optional("app_mac", std::string(),
                          "the app's MAC: traffic back to the app is matched on it (needed when "
                          "several bindings share the bridge)"),
      ConfigKey::optional("priority", std::int64_t{100}, "the flows' OpenFlow priority"),
      ConfigKey::optional("cookie", std::int64_t{0}, "the flows' OpenFlow cookie")};
}

std::vector<ConfigKey> route_keys() {
  return {ConfigKey::optional("router", std::string(),
                              "the router (as the routes plugin names it) that sends prefix out "
                              "of the chosen link; empty: no route"),
          ConfigKey::optional("prefix", std::string(), "the destination, in CIDR form"),
          ConfigKey::optional("via", std::string(),
                              "the next hop; empty: the binding's gateway (none without one)"),
          ConfigKey::optional("metric", std::int64_t{0}, "the route's metric")};
}

std::vector<ConfigKey> instance_keys() {
  return {
      ConfigKey::optional("group", std::string(), "the group whose manager runs the instance"),
      ConfigKey::optional("command", std::string(), "what the instance runs (an absolute path)"),
      ConfigKey::optional("args", std::vector<std::string>(), "its arguments"),
      ConfigKey::optional("env", std::vector<std::string>(), "its environment (NAME=value)"),
      ConfigKey::optional("disk_env", std::string("MIRARI_DISK"),
                          "the variable that tells the instance its disk (/dev/<name>)")};
}

std::vector<ConfigKey> binding_keys() {
  return {
      ConfigKey::required("name", ConfigType::string,
                          "the binding's name: the key of a disk binding's instance"),
      ConfigKey::required("kind", ConfigType::string,
                          "\"link\" (a link of net.links) or \"disk\" (a device of "
                          "block.devices)"),
      ConfigKey::optional("prefer", std::vector<std::string>(),
                          "glob patterns of device names, best first; empty: any device"),
      ConfigKey::optional("hold_ms", std::int64_t{2'000},
                          "milliseconds a better device must stay usable before the binding "
                          "moves to it (moving off a device that went is immediate)"),
      ConfigKey::optional("fastest", false,
                          "link: among links of one pattern, the highest speed_mbps first"),
      ConfigKey::optional("gateway", std::string(),
                          "link: the next hop's IP address; the flows rewrite the destination "
                          "MAC to its MAC in arp.table, and the route goes via it"),
      ConfigKey::table("flows", flows_keys(), "link: flows for the chosen link (flows.desired)"),
      ConfigKey::table("route", route_keys(), "link: a route through the chosen link"),
      ConfigKey::optional("min_size_bytes", std::int64_t{0},
                          "disk: smaller disks are not candidates"),
      ConfigKey::optional("non_rotational", true,
                          "disk: solid-state disks before spinning ones, within one pattern"),
      ConfigKey::table("instance", instance_keys(),
                       "disk: the instance run on the chosen disk (instances.desired.extra)")};
}

[[noreturn]] void refuse(const Config& c, const std::string& key, const std::string& why) {
  throw ConfigError(c.path_of(key) + ": " + why, c.path_of(key));
}

std::int64_t in_range(const Config& c, const std::string& key, std::int64_t min, std::int64_t max) {
  const std::int64_t v = c.get<std::int64_t>(key);
  if (v < min || v > max) {
    refuse(c, key,
           "must be between " + std::to_string(min) + " and " + std::to_string(max) + ", not " +
               std::to_string(v));
  }
  return v;
}

std::string ip_address(const Config& c, const std::string& key) {
  std::string text = c.get<std::string>(key);
  if (!text.empty() && !is_ip_address(text)) refuse(c, key, "'" + text + "' is no IP address");
  return text;
}

BridgeBinding parse_flows(const Config& c) {
  BridgeBinding f;
  f.bridge = c.get<std::string>("bridge");
  f.app_port = c.get<std::string>("app_port");
  f.app_mac = c.get<std::string>("app_mac");
  f.priority = static_cast<std::uint16_t>(in_range(c, "priority", 0, 65'535));
  f.cookie = static_cast<std::uint64_t>(in_range(c, "cookie", 0, INT64_MAX));
  if (!f.bridge.empty() && f.app_port.empty()) refuse(c, "app_port", "is required with bridge");
  return f;
}

RouteBinding parse_route(const Config& c) {
  RouteBinding r;
  r.router = c.get<std::string>("router");
  r.via = ip_address(c, "via");
  r.metric = static_cast<std::uint32_t>(in_range(c, "metric", 0, UINT32_MAX));
  const std::string prefix = c.get<std::string>("prefix");
  if (r.router.empty()) return r;
  if (prefix.empty()) refuse(c, "prefix", "is required with router");
  try {
    r.prefix = canonical_prefix(prefix);
  } catch (const std::invalid_argument& e) {
    refuse(c, "prefix", e.what());
  }
  return r;
}

DiskInstance parse_instance(const Config& c) {
  DiskInstance i;
  i.group = c.get<std::string>("group");
  i.command = c.get<std::string>("command");
  i.args = c.get<std::vector<std::string>>("args");
  i.env = c.get<std::vector<std::string>>("env");
  i.disk_env = c.get<std::string>("disk_env");
  return i;
}

bool empty_instance(const DiskInstance& i) {
  return i.group.empty() && i.command.empty();
}

Binding parse_binding(const Config& c) {
  Binding b;
  b.name = c.get<std::string>("name");
  if (b.name.empty()) refuse(c, "name", "is empty");
  const std::string kind = c.get<std::string>("kind");
  if (kind == "link") {
    b.kind = DeviceKind::link;
  } else if (kind == "disk") {
    b.kind = DeviceKind::disk;
  } else {
    refuse(c, "kind", "must be \"link\" or \"disk\", not \"" + kind + "\"");
  }
  b.prefer = c.get<std::vector<std::string>>("prefer");
  check_patterns(b.prefer, c.path_of("prefer"));
  b.hold_ms = in_range(c, "hold_ms", 0, kMaxHoldMs);
  b.fastest = c.get<bool>("fastest");
  b.gateway = ip_address(c, "gateway");
  b.flows = parse_flows(c.table("flows"));
  b.route = parse_route(c.table("route"));
  b.min_size_bytes = static_cast<std::uint64_t>(in_range(c, "min_size_bytes", 0, INT64_MAX));
  b.non_rotational = c.get<bool>("non_rotational");
  b.instance = parse_instance(c.table("instance"));

  if (b.kind == DeviceKind::link) {
    if (b.flows.bridge.empty() && b.route.router.empty()) {
      refuse(c, "flows",
             "a link binding publishes flows (flows.bridge), a route (route.router) "
             "or both: give one");
    }
    if (!empty_instance(b.instance)) refuse(c, "instance", "is for disk bindings");
    return b;
  }
  if (!b.flows.bridge.empty()) refuse(c, "flows", "is for link bindings");
  if (!b.route.router.empty()) refuse(c, "route", "is for link bindings");
  const Config& instance = c.table("instance");
  if (b.instance.group.empty()) refuse(instance, "group", "is required for a disk binding");
  if (!b.instance.command.starts_with('/')) {
    refuse(instance, "command", "must be an absolute path, not '" + b.instance.command + "'");
  }
  if (b.instance.disk_env.empty() || b.instance.disk_env.find('=') != std::string::npos) {
    refuse(instance, "disk_env", "must be a variable name, not '" + b.instance.disk_env + "'");
  }
  return b;
}

// Bindings that share a bridge or a router must not ask for the same flows or routes.
void check_shared(const std::vector<Binding>& bindings, const std::vector<Config>& tables) {
  std::map<std::pair<std::string, std::string>, std::size_t> ports;     // (bridge, app_port)
  std::map<std::string, std::size_t> unmatched_return;                  // bridge -> binding
  std::map<std::pair<std::string, std::string>, std::size_t> prefixes;  // (router, prefix)
  for (std::size_t i = 0; i < bindings.size(); ++i) {
    const Binding& b = bindings[i];
    const Config& flows = tables[i].table("flows");
    if (!b.flows.bridge.empty()) {
      const auto [at, fresh] = ports.emplace(std::pair{b.flows.bridge, b.flows.app_port}, i);
      if (!fresh) {
        refuse(flows, "app_port",
               "port '" + b.flows.app_port + "' on bridge '" + b.flows.bridge +
                   "' is already bound by '" + bindings[at->second].name + "'");
      }
      if (b.flows.app_mac.empty()) {
        const auto [other, first] = unmatched_return.emplace(b.flows.bridge, i);
        if (!first) {
          refuse(flows, "app_mac",
                 "is required: '" + bindings[other->second].name + "' shares bridge '" +
                     b.flows.bridge +
                     "' without app_mac, and traffic back to each app is told "
                     "apart by it");
        }
      }
    }
    if (!b.route.router.empty()) {
      const auto [at, fresh] = prefixes.emplace(std::pair{b.route.router, b.route.prefix}, i);
      if (!fresh) {
        refuse(tables[i].table("route"), "prefix",
               b.route.prefix + " on router '" + b.route.router + "' is already routed by '" +
                   bindings[at->second].name + "'");
      }
    }
  }
}

}  // namespace

bool DevicePreferenceOptions::publishes_flows() const {
  return std::any_of(bindings.begin(), bindings.end(),
                     [](const Binding& b) { return !b.flows.bridge.empty(); });
}

bool DevicePreferenceOptions::publishes_routes() const {
  return std::any_of(bindings.begin(), bindings.end(),
                     [](const Binding& b) { return !b.route.router.empty(); });
}

bool DevicePreferenceOptions::publishes_instances() const {
  return std::any_of(bindings.begin(), bindings.end(),
                     [](const Binding& b) { return b.kind == DeviceKind::disk; });
}

std::vector<ConfigKey> device_preference_config_keys() {
  return {ConfigKey::optional("routes_port", std::string("routes.desired"),
                              "the port the bindings' routes are published on"),
          ConfigKey::required_tables("bindings", binding_keys(),
                                     "each binds one application to the best current device")};
}

DevicePreferenceOptions parse_device_preference_options(const Config& config) {
  DevicePreferenceOptions o;
  o.routes_port = config.get<std::string>("routes_port");
  if (o.routes_port.empty()) refuse(config, "routes_port", "is empty");
  const std::vector<Config>& tables = config.tables("bindings");
  if (tables.empty()) refuse(config, "bindings", "binds nothing: give at least one binding");
  std::set<std::string> names;
  for (const Config& t : tables) {
    Binding b = parse_binding(t);
    if (!names.insert(b.name).second) {
      refuse(t, "name", "'" + b.name + "' names another binding already");
    }
    o.bindings.push_back(std::move(b));
  }
  check_shared(o.bindings, tables);
  return o;
}

}  // namespace mirari::policies
