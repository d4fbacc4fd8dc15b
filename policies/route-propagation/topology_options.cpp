#include "topology_options.hpp"

#include <algorithm>
#include <set>
#include <stdexcept>
#include <utility>

#include "ip_prefix.hpp"
#include "name_patterns.hpp"

namespace mirari::policies {

namespace {

[[noreturn]] void refuse(const Config& c, const std::string& key, const std::string& why) {
  throw ConfigError(c.path_of(key) + ": " + why, c.path_of(key));
}

std::vector<ConfigKey> host_keys() {
  return {
      ConfigKey::optional("uplinks", std::vector<std::string>(),
                          "glob patterns of A's uplink interfaces in net.links, best first "
                          "(required)"),
      ConfigKey::optional("prefixes", std::vector<std::string>(),
                          "the prefixes A serves behind its uplink"),
      ConfigKey::optional("uplink_networks", true,
                          "the networks of A's uplink addresses count among A's prefixes"),
      ConfigKey::optional("router", std::string(),
                          "A's own BGP speaker (as the routes plugin names it), which announces "
                          "A's prefixes; empty: none")};
}

std::vector<ConfigKey> router_keys() {
  return {ConfigKey::required("name", ConfigType::string,
                              "the router, as the routes plugin "
                              "names it"),
          ConfigKey::required("reach", ConfigType::string,
                              "\"bgp\" (learns A's prefixes from A's router) or \"static\" (is "
                              "given a route to each)"),
          ConfigKey::optional("via", std::string(),
                              "static: the next hop toward A; empty: A's current uplink address"),
          ConfigKey::optional("device", std::string(), "static: the interface toward A"),
          ConfigKey::optional("metric", std::int64_t{0}, "static: the routes' metric")};
}

HostTopology parse_host(const Config& c) {
  HostTopology h;
  h.uplinks = c.get<std::vector<std::string>>("uplinks");
  if (h.uplinks.empty()) refuse(c, "uplinks", "names no uplink: give A's uplink interfaces");
  check_patterns(h.uplinks, c.path_of("uplinks"));
  for (const std::string& p : c.get<std::vector<std::string>>("prefixes")) {
    try {
      h.prefixes.push_back(canonical_prefix(p));
    } catch (const std::invalid_argument& e) {
      refuse(c, "prefixes", e.what());
    }
  }
  std::sort(h.prefixes.begin(), h.prefixes.end());
  h.prefixes.erase(std::unique(h.prefixes.begin(), h.prefixes.end()), h.prefixes.end());
  h.uplink_networks = c.get<bool>("uplink_networks");
  h.router = c.get<std::string>("router");
  return h;
}

RouterReach parse_router(const Config& c, const HostTopology& host) {
  RouterReach r;
  r.name = c.get<std::string>("name");
  if (r.name.empty()) refuse(c, "name", "is empty");
  if (r.name == host.router) refuse(c, "name", "'" + r.name + "' is host.router, A's own");
  const std::string reach = c.get<std::string>("reach");
  if (reach == "bgp") {
    r.reach = Reach::bgp;
    if (host.router.empty()) {
      refuse(c, "reach", "\"bgp\" needs host.router: the router that announces A's prefixes");
    }
  } else if (reach == "static") {
    r.reach = Reach::static_routes;
  } else {
    refuse(c, "reach", "must be \"bgp\" or \"static\", not \"" + reach + "\"");
  }
  r.via = c.get<std::string>("via");
  if (!r.via.empty() && !is_ip_address(r.via)) refuse(c, "via", "'" + r.via + "' is no IP address");
  r.device = c.get<std::string>("device");
  const std::int64_t metric = c.get<std::int64_t>("metric");
  if (metric < 0 || metric > UINT32_MAX) {
    refuse(c, "metric", "must be between 0 and 4294967295, not " + std::to_string(metric));
  }
  r.metric = static_cast<std::uint32_t>(metric);
  if (r.reach == Reach::static_routes && host.uplink_networks && r.via.empty() &&
      r.device.empty()) {
    refuse(c, "device",
           "is required (or via): a route to A's uplink network goes out of an interface "
           "toward A or via a next hop");
  }
  return r;
}

}  // namespace

std::vector<ConfigKey> topology_config_keys() {
  return {ConfigKey::optional("routes_port", std::string("routes.desired"),
                              "the port the routes are published on"),
          ConfigKey::table("host", host_keys(), "A: the host whose interfaces are watched"),
          ConfigKey::required_tables("routers", router_keys(),
                                     "the routers that must keep reaching A's prefixes")};
}

TopologyOptions parse_topology_options(const Config& config) {
  TopologyOptions o;
  o.routes_port = config.get<std::string>("routes_port");
  if (o.routes_port.empty()) refuse(config, "routes_port", "is empty");
  o.host = parse_host(config.table("host"));
  const std::vector<Config>& tables = config.tables("routers");
  if (tables.empty()) refuse(config, "routers", "names no router: give at least one");
  std::set<std::string> names;
  for (const Config& t : tables) {
    RouterReach r = parse_router(t, o.host);
    if (!names.insert(r.name).second) {
      refuse(t, "name", "'" + r.name + "' names another router already");
    }
    o.routers.push_back(std::move(r));
  }
  return o;
}

}  // namespace mirari::policies
