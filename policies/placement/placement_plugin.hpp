// The placement policy: spreads one scaling group over the hosts of a cluster, and gives this
// host's instance manager its share of the placement the role's leader wrote.
//
// Every host runs it. Each computes scale.<group>.placement from the group's count
// (scale.<group>.desired, from a scaler) and the hosts standing for the role
// (cluster.members.<role>); the cluster plugin writes the leader's to etcd, fenced by the
// leader's term, and every host, the leader included, reads it back as
// cluster.led.scale.<group>.placement. This host's count in that one is scale.<group>.share,
// which its instance manager reads (desired_port = "scale.<group>.share"). So each host acts
// on the one placement etcd holds, never on its own computation. README.md: configuration,
// and the cluster plugin's part.
#pragma once

#include <string>
#include <vector>

#include <mirari/combinators.hpp>
#include <mirari/plugin.hpp>
#include <mirari/ports/cluster.hpp>
#include <mirari/ports/scaling.hpp>

#include "spread.hpp"

namespace mirari::policies {

class PlacementPlugin final : public Plugin {
 public:
  static std::vector<ConfigKey> config_keys() {
    return {
        ConfigKey::required("group", ConfigType::string,
                            "the scaling group spread over the hosts (its count: "
                            "scale.<group>.desired)"),
        ConfigKey::required("host", ConfigType::string,
                            "this host's name, as the cluster plugin's host key gives it"),
        ConfigKey::optional("role", std::string("placement"),
                            "the cluster role whose members run the group and whose leader "
                            "places it"),
    };
  }

  static std::vector<PortDecl> ports() {
    return {
        PortDecl::subscribes<ports::DesiredCount>(ports::kDesiredCountPattern,
                                                  "the group's count across the cluster"),
        PortDecl::subscribes<ports::cluster::Members>(
            "cluster.members.{role}", "the hosts the group is spread over (their leases live)"),
        PortDecl::subscribes<ports::Placement>(
            "cluster.led.scale.{group}.placement",
            "the placement the role's leader wrote to etcd: what every host acts on"),
        PortDecl::publishes<ports::Placement>(
            ports::kPlacementPattern,
            "the count spread evenly over the members; written to etcd while this host leads"),
        PortDecl::publishes<ports::DesiredCount>(
            ports::kSharePattern, "this host's count in the leader's placement (0 while none)"),
    };
  }

  void configure(const Config& config) override {
    group_ = config.get<std::string>("group");
    if (!ports::is_group_name(group_)) {
      throw ConfigError("group '" + group_ +
                            "' is not a scaling group name (1 to 63 letters, "
                            "digits, '-' or '_')",
                        config.path_of("group"));
    }
    host_ = config.get<std::string>("host");
    role_ = config.get<std::string>("role");
    for (const auto* key : {"host", "role"}) {
      if (!ports::is_group_name(config.get<std::string>(key))) {
        throw ConfigError(std::string(key) + " '" + config.get<std::string>(key) +
                              "' is not a name (letters, digits, '-' or '_')",
                          config.path_of(key));
      }
    }
  }

  void start(Context& ctx) override {
    const std::string placement = ports::placement_port(group_);
    auto count = ctx.subscribe<ports::DesiredCount>(ports::desired_count_port(group_));
    auto members = ctx.subscribe<ports::cluster::Members>("cluster.members." + role_);
    auto mine = lift(count, members,
                     [](int n, const ports::cluster::Members& hosts) { return spread(n, hosts); });
    ctx.publish(placement, mine.named(placement));

    auto led = ctx.subscribe<ports::Placement>("cluster.led." + placement);
    const std::string share = ports::share_port(group_);
    ctx.publish(share, map(led, [host = host_](const ports::Placement& p) {
                         const int* n = p.find(host);
                         return n != nullptr ? *n : 0;
                       }).named(share));
  }

 private:
  std::string group_;
  std::string host_;
  std::string role_;
};

}  // namespace mirari::policies
