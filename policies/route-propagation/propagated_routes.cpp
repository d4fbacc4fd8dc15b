#include "propagated_routes.hpp"

#include <algorithm>

#include "ip_prefix.hpp"

namespace mirari::policies {

namespace {

using ports::routes::Route;
using ports::routes::RouterRoutes;

RouterRoutes static_routes(const RouterReach& r, const HostTopology& host,
                           const HostUplink& uplink) {
  RouterRoutes out;
  if (host.uplink_networks) {
    for (const std::string& network : uplink.networks) {
      out.routes.push_back({network, r.via, r.device, r.metric});
    }
  }
  for (const std::string& prefix : host.prefixes) {
    std::string via = r.via;
    if (via.empty()) {
      via = prefix_family(prefix) == ports::ip::Family::ipv4 ? uplink.ipv4 : uplink.ipv6;
    }
    if (via.empty()) continue;
    out.routes.push_back({prefix, via, r.device, r.metric});
  }
  std::sort(out.routes.begin(), out.routes.end());
  out.routes.erase(std::unique(out.routes.begin(), out.routes.end()), out.routes.end());
  return out;
}

}  // namespace

ports::routes::RoutesDesired propagated_routes(const TopologyOptions& options,
                                               const std::optional<HostUplink>& uplink) {
  ports::routes::RoutesDesired::Builder table;
  if (!options.host.router.empty()) {
    RouterRoutes announced;
    if (uplink) {
      announced.announce = options.host.prefixes;
      if (options.host.uplink_networks) {
        announced.announce.insert(announced.announce.end(), uplink->networks.begin(),
                                  uplink->networks.end());
      }
      std::sort(announced.announce.begin(), announced.announce.end());
      announced.announce.erase(std::unique(announced.announce.begin(), announced.announce.end()),
                               announced.announce.end());
    }
    table.set(options.host.router, std::move(announced));
  }
  for (const RouterReach& r : options.routers) {
    if (r.reach != Reach::static_routes) continue;
    table.set(r.name, uplink ? static_routes(r, options.host, *uplink) : RouterRoutes{});
  }
  return table.build();
}

}  // namespace mirari::policies
