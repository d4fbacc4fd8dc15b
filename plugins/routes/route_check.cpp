#include "route_check.hpp"

#include <sys/socket.h>

#include <algorithm>
#include <set>
#include <utility>

#include "route_text.hpp"

namespace mirari::routes {

namespace {

// FRR takes a static route's metric as its administrative distance.
constexpr std::uint32_t kFrrDefaultDistance = 1;
constexpr std::uint32_t kFrrMaxDistance = 255;
// The kernel gives an IPv6 route of metric 0 this one.
constexpr std::uint32_t kKernelIpv6DefaultMetric = 1024;

Route checked_route(BackendKind backend, const Route& wanted) {
  Route r;
  const Prefix prefix = parse_prefix(wanted.prefix);
  r.prefix = prefix.text;
  if (!wanted.via.empty()) r.via = canonical_address(wanted.via, prefix.family);
  if (!wanted.device.empty()) {
    if (!interface_name(wanted.device)) {
      throw RouteTextError("'" + wanted.device + "' is not an interface name");
    }
    r.device = wanted.device;
  }
  if (r.via.empty() && r.device.empty()) throw RouteTextError("it names neither via nor device");
  r.metric = wanted.metric;
  if (backend == BackendKind::frr) {
    if (r.metric == 0) r.metric = kFrrDefaultDistance;
    if (r.metric > kFrrMaxDistance) {
      throw RouteTextError("metric " + std::to_string(r.metric) +
                           " is over 255 (the frr backend takes it as the distance)");
    }
  } else if (prefix.family == AF_INET6 && r.metric == 0) {
    r.metric = kKernelIpv6DefaultMetric;
  }
  return r;
}

}  // namespace

std::string describe(const Route& route) {
  std::string text = route.prefix;
  if (!route.via.empty()) text += " via " + route.via;
  if (!route.device.empty()) text += " dev " + route.device;
  if (route.metric != 0) text += " metric " + std::to_string(route.metric);
  return text;
}

std::variant<RouterRoutes, std::string> check_router(const std::string& router, BackendKind backend,
                                                     const RouterRoutes& wanted) {
  RouterRoutes out;
  // A router's table holds one route per prefix and metric: two would fight for the slot.
  std::set<std::pair<std::string, std::uint32_t>> slots;
  for (const Route& route : wanted.routes) {
    try {
      Route r = checked_route(backend, route);
      if (!slots.emplace(r.prefix, r.metric).second) {
        throw RouteTextError("another route has the same prefix and metric");
      }
      out.routes.push_back(std::move(r));
    } catch (const RouteTextError& e) {
      return "router " + router + ": route " + describe(route) + ": " + e.what();
    }
  }
  if (!wanted.announce.empty() && backend == BackendKind::netlink) {
    return "router " + router + ": announce " + wanted.announce.front() +
           ": the netlink backend programs the kernel table only; announcing to BGP peers "
           "needs the frr backend";
  }
  for (const std::string& prefix : wanted.announce) {
    try {
      out.announce.push_back(parse_prefix(prefix).text);
    } catch (const RouteTextError& e) {
      return "router " + router + ": announce " + prefix + ": " + e.what();
    }
  }
  std::sort(out.routes.begin(), out.routes.end());
  std::sort(out.announce.begin(), out.announce.end());
  out.announce.erase(std::unique(out.announce.begin(), out.announce.end()), out.announce.end());
  return out;
}

}  // namespace mirari::routes
