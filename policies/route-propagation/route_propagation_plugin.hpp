// The route-propagation policy as a plugin: maps net.links through host_uplink() and
// propagated_routes() onto routes.desired, so an interface change on A becomes the routers'
// change in the same tick.
//
// Ports: subscribes net.links; publishes routes.desired (or routes_port). Each port has one
// publisher: beside another policy that publishes routes.desired (device-preference with
// route bindings), one of them takes another routes_port. Configuration:
// topology_options.hpp. Stateless: a reload or restart publishes the same routes for the same
// links.
#pragma once

#include <optional>
#include <vector>

#include <mirari/combinators.hpp>
#include <mirari/plugin.hpp>
#include <mirari/ports/net.hpp>
#include <mirari/ports/routes.hpp>

#include "host_uplink.hpp"
#include "propagated_routes.hpp"
#include "topology_options.hpp"

namespace mirari::policies {

class RoutePropagationPlugin final : public Plugin {
 public:
  static std::vector<ConfigKey> config_keys() { return topology_config_keys(); }

  static std::vector<PortDecl> ports() {
    namespace net = ports::net;
    return {PortDecl::subscribes<net::Links>(net::kLinks,
                                             "A's links: which uplink is active, its addresses"),
            PortDecl::publishes<ports::routes::RoutesDesired>(
                "{routes_port}",
                "per router, the routes it must hold and the prefixes it must announce: A's "
                "prefixes, announced by A's router or routed via A's uplink")};
  }

  void configure(const Config& config) override { options_ = parse_topology_options(config); }

  void start(Context& ctx) override {
    const TopologyOptions options = options_;
    auto links = ctx.subscribe<ports::net::Links>(ports::net::kLinks);
    auto uplink = map(links, [host = options.host](const ports::net::Links& l) {
                    return host_uplink(host, l);
                  }).named("uplink");
    auto routes = map(uplink, [options](const std::optional<HostUplink>& u) {
      return propagated_routes(options, u);
    });
    ctx.publish(options.routes_port, routes.named("routes"));
  }

 private:
  TopologyOptions options_;
};

}  // namespace mirari::policies
