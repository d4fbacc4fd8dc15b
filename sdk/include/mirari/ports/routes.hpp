// Port catalogue: the routes each router should hold, and what the routes reconfigurer made
// it hold.
//
//   port            constant        kind    C++ type       stable type name
//   routes.desired  kRoutesDesired  signal  RoutesDesired  table<string,routes.router>
//   routes.applied  kRoutesApplied  signal  RoutesApplied  table<string,routes.applied_router>
//
// A router is named as the routes plugin's configuration names it ("B", "edge-1"), never by
// network namespace or machine, so the same value means the same thing wherever it is read.
// routes.desired is published by policies (route-propagation, a policy of the user's): per
// router, the whole set of routes it must hold beside its own, and the prefixes it must
// announce to its BGP peers. The routes plugin programs each named router, adding and
// removing only what differs from what it holds; a router absent from the table is left
// alone. Routes the plugin did not program are never touched.
//
// JSON forms, for tools (mirarictl get, watch, set):
//   Route           {"prefix": "198.51.100.0/24", "via": "192.0.2.1", "device": "eth0",
//                    "metric": 20}      (via or device may be empty, not both; metric may be
//                                        left out)
//   RouterRoutes    {"routes": [Route, ...], "announce": ["203.0.113.0/24"]}  (either may be
//                                                                              left out)
//   RoutesDesired   {"B": RouterRoutes, ...}
//   AppliedRouter   {"held": RouterRoutes, "error": "", "applied_at": 81234567}
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "mirari/json_form.hpp"
#include "mirari/json_read.hpp"
#include "mirari/table.hpp"
#include "mirari/type_layout.hpp"

namespace mirari::ports::routes {

inline constexpr const char* kRoutesDesired = "routes.desired";
inline constexpr const char* kRoutesApplied = "routes.applied";

struct Route {
  std::string prefix;  // "198.51.100.0/24", "2001:db8:1::/48": the destination, in CIDR form
  std::string via;     // next hop address; empty for a route on device alone
  std::string device;  // outgoing interface; empty to let the router resolve via
  std::uint32_t metric = 0;
  friend bool operator==(const Route&, const Route&) = default;
  friend auto operator<=>(const Route&, const Route&) = default;
};

struct RouterRoutes {
  std::vector<Route> routes;
  std::vector<std::string> announce;  // prefixes carried to BGP peers (frr backend only)
  friend bool operator==(const RouterRoutes&, const RouterRoutes&) = default;
};

// What the routes plugin made one router hold.
struct AppliedRouter {
  RouterRoutes held;            // what the router holds, as last programmed
  std::string error;            // why the latest desired set is not held; empty when it is
  std::int64_t applied_at = 0;  // when held was programmed, on clock.ms's clock
  friend bool operator==(const AppliedRouter&, const AppliedRouter&) = default;
};

using RoutesDesired = Table<std::string, RouterRoutes>;
using RoutesApplied = Table<std::string, AppliedRouter>;

inline void to_json(nlohmann::json& j, const Route& r) {
  j = {{"prefix", r.prefix}, {"via", r.via}, {"device", r.device}, {"metric", r.metric}};
}
inline void from_json(const nlohmann::json& j, Route& r) {
  r = Route{};
  read_json(j.at("prefix"), r.prefix);
  if (j.contains("via")) read_json(j.at("via"), r.via);
  if (j.contains("device")) read_json(j.at("device"), r.device);
  if (j.contains("metric")) read_json(j.at("metric"), r.metric);
}

inline void to_json(nlohmann::json& j, const RouterRoutes& r) {
  j = {{"routes", r.routes}, {"announce", r.announce}};
}
inline void from_json(const nlohmann::json& j, RouterRoutes& r) {
  r = RouterRoutes{};
  if (j.contains("routes")) read_json(j.at("routes"), r.routes);
  if (j.contains("announce")) read_json(j.at("announce"), r.announce);
}

inline void to_json(nlohmann::json& j, const AppliedRouter& a) {
  j = {{"held", a.held}, {"error", a.error}, {"applied_at", a.applied_at}};
}
inline void from_json(const nlohmann::json& j, AppliedRouter& a) {
  read_json(j.at("held"), a.held);
  read_json(j.at("error"), a.error);
  read_json(j.at("applied_at"), a.applied_at);
}

}  // namespace mirari::ports::routes

MIRARI_TYPE(mirari::ports::routes::Route, "routes.route", prefix, via, device, metric)
MIRARI_TYPE(mirari::ports::routes::RouterRoutes, "routes.router", routes, announce)
MIRARI_TYPE(mirari::ports::routes::AppliedRouter, "routes.applied_router", held, error, applied_at)
