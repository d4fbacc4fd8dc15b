#include "router_options.hpp"

#include <set>

namespace mirari::routes {

namespace {

constexpr std::int64_t kMaxVerifyMs = 3'600'000;

RouterOptions parse_router(const Config& config) {
  RouterOptions r;
  r.name = config.get<std::string>("name");
  if (r.name.empty())
    throw ConfigError(config.path_of("name") + " is empty", config.path_of("name"));
  const std::string& backend = config.get<std::string>("backend");
  if (backend == "netlink") {
    r.backend = BackendKind::netlink;
  } else if (backend == "frr") {
    r.backend = BackendKind::frr;
  } else {
    throw ConfigError(config.path_of("backend") + " '" + backend + "' is not netlink or frr",
                      config.path_of("backend"));
  }
  r.netns = config.get<std::string>("netns");
  if (r.netns.find('/') != std::string::npos || r.netns == "." || r.netns == "..") {
    throw ConfigError(config.path_of("netns") + " '" + r.netns + "' is not a namespace name",
                      config.path_of("netns"));
  }
  r.pathspace = config.get<std::string>("pathspace");
  if (r.pathspace.find('/') != std::string::npos) {
    throw ConfigError(config.path_of("pathspace") + " '" + r.pathspace + "' contains '/'",
                      config.path_of("pathspace"));
  }
  r.asn = static_cast<std::uint32_t>(config.integer("asn", 0, 4294967295));
  r.tag = static_cast<std::uint32_t>(config.integer("tag", 1, 4294967295));
  r.route_map = config.get<std::string>("route_map");
  if (r.route_map.empty() || r.route_map.find_first_of(" \t\n") != std::string::npos) {
    throw ConfigError(config.path_of("route_map") + " must be one word",
                      config.path_of("route_map"));
  }
  // 0 to 4 are the kernel's own (unspec, redirect, kernel, boot, static).
  r.protocol = static_cast<std::uint8_t>(config.integer("protocol", 5, 255));
  return r;
}

}  // namespace

std::vector<ConfigKey> routes_config_keys() {
  return {
      ConfigKey::optional("desired", std::string("routes.desired"),
                          "the port holding the routes each router must hold: routes.desired, "
                          "or another host's imported by the cluster plugin "
                          "(cluster.<host>.routes.desired)"),
      ConfigKey::optional("verify_ms", std::int64_t{1000},
                          "milliseconds between two checks that every router still holds what "
                          "was programmed (a restarted daemon, a route deleted by hand); a "
                          "difference is programmed again, a failure retried"),
      ConfigKey::tables(
          "routers",
          {ConfigKey::required("name", ConfigType::string,
                               "the router's name: its key in routes.desired and routes.applied"),
           ConfigKey::required("backend", ConfigType::string,
                               "\"netlink\" (the kernel's main table, through rtnetlink) or "
                               "\"frr\" (an FRR instance, through vtysh)"),
           ConfigKey::optional("netns", std::string(),
                               "the named network namespace (ip netns) the router lives in; "
                               "empty: mirarid's own"),
           ConfigKey::optional("pathspace", std::string(),
                               "frr: the FRR instance's pathspace (vtysh -N); empty: the "
                               "default instance"),
           ConfigKey::optional("asn", std::int64_t{0},
                               "frr: the BGP AS whose network statements carry announce; 0: "
                               "the one `router bgp` names in the running configuration"),
           ConfigKey::optional("tag", std::int64_t{4242},
                               "frr: the tag on the static routes the plugin programs; static "
                               "routes without it are never touched"),
           ConfigKey::optional("route_map", std::string("mirari"),
                               "frr: the route-map named on the network statements the plugin "
                               "programs (it defines it as `permit 1`); other network "
                               "statements are never touched"),
           ConfigKey::optional("protocol", std::int64_t{203},
                               "netlink: the route protocol number (5-255) marking the kernel "
                               "routes the plugin programs; routes of other protocols are "
                               "never touched")},
          "the routers the plugin programs, each named once")};
}

RoutesOptions parse_options(const Config& config) {
  RoutesOptions o;
  o.desired = config.get<std::string>("desired");
  if (o.desired.empty()) throw ConfigError("desired names no port", "desired");
  o.verify = std::chrono::milliseconds(config.integer("verify_ms", 1, kMaxVerifyMs));
  std::set<std::string> names;
  for (const Config& router : config.tables("routers")) {
    RouterOptions r = parse_router(router);
    if (!names.insert(r.name).second) {
      throw ConfigError(router.path_of("name") + ": router '" + r.name + "' is named twice",
                        router.path_of("name"));
    }
    o.routers.push_back(std::move(r));
  }
  return o;
}

}  // namespace mirari::routes
