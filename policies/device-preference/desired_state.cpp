#include "desired_state.hpp"

#include <algorithm>
#include <map>
#include <optional>
#include <string>

namespace mirari::policies {

namespace {

using ports::arp::Neighbour;
using ports::arp::NeighbourState;

// The MAC arp.table holds for address, preferring the entry on link.
std::optional<std::string> mac_of(const ports::arp::Neighbours& neighbours,
                                  const std::string& address, const std::string& link) {
  const Neighbour* found = nullptr;
  for (const auto& [key, n] : neighbours) {
    if (n.address != address || n.mac.empty() || n.state == NeighbourState::failed) continue;
    const bool better =
        found == nullptr || (n.interface == link && found->interface != link) ||
        ((n.interface == link) == (found->interface == link) && n.ifindex < found->ifindex);
    if (better) found = &n;
  }
  if (found == nullptr) return std::nullopt;
  return found->mac;
}

void add_once(std::vector<ports::flows::Flow>& flows, ports::flows::Flow flow) {
  if (std::find(flows.begin(), flows.end(), flow) == flows.end()) flows.push_back(std::move(flow));
}

}  // namespace

ports::flows::FlowsDesired desired_flows(const DevicePreferenceOptions& options,
                                         const Chosen& chosen,
                                         const ports::arp::Neighbours& neighbours) {
  std::map<std::string, ports::flows::BridgeFlows> bridges;
  for (std::size_t i = 0; i < options.bindings.size(); ++i) {
    const Binding& b = options.bindings[i];
    if (b.flows.bridge.empty()) continue;
    auto& set = bridges[b.flows.bridge];
    if (i >= chosen.size() || !chosen[i]) continue;
    const std::string& link = *chosen[i];
    const std::string& app = b.flows.app_port;

    std::string out = "output:" + link;
    if (!b.gateway.empty()) {
      if (const auto mac = mac_of(neighbours, b.gateway, link)) {
        out = "mod_dl_dst:" + *mac + "," + out;
      }
    }
    std::string back = "in_port=" + link;
    if (!b.flows.app_mac.empty()) back += ",dl_dst=" + b.flows.app_mac;
    add_once(set.flows, {0, b.flows.priority, "in_port=" + app, out, b.flows.cookie});
    add_once(set.flows, {0, b.flows.priority, back, "output:" + app, b.flows.cookie});
  }
  ports::flows::FlowsDesired::Builder table;
  for (auto& [bridge, set] : bridges) table.set(bridge, std::move(set));
  return table.build();
}

ports::routes::RoutesDesired desired_routes(const DevicePreferenceOptions& options,
                                            const Chosen& chosen) {
  std::map<std::string, ports::routes::RouterRoutes> routers;
  for (std::size_t i = 0; i < options.bindings.size(); ++i) {
    const Binding& b = options.bindings[i];
    if (b.route.router.empty()) continue;
    auto& set = routers[b.route.router];
    if (i >= chosen.size() || !chosen[i]) continue;
    const std::string via = b.route.via.empty() ? b.gateway : b.route.via;
    set.routes.push_back({b.route.prefix, via, *chosen[i], b.route.metric});
  }
  ports::routes::RoutesDesired::Builder table;
  for (auto& [router, set] : routers) {
    std::sort(set.routes.begin(), set.routes.end());
    table.set(router, std::move(set));
  }
  return table.build();
}

ports::InstanceSpecs desired_instances(const DevicePreferenceOptions& options,
                                       const Chosen& chosen) {
  ports::InstanceSpecs::Builder table;
  for (std::size_t i = 0; i < options.bindings.size(); ++i) {
    const Binding& b = options.bindings[i];
    if (b.kind != DeviceKind::disk || i >= chosen.size() || !chosen[i]) continue;
    ports::InstanceSpec spec{b.instance.group, b.instance.command, b.instance.args, b.instance.env};
    spec.env.push_back(b.instance.disk_env + "=/dev/" + *chosen[i]);
    table.set(b.name, std::move(spec));
  }
  return table.build();
}

}  // namespace mirari::policies
