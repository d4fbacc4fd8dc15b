// The device-preference policy as a plugin: folds DeviceChooser::step over the devices and
// the clock, and publishes what the chosen devices ask for (desired_state.hpp).
//
// Ports: subscribes net.links, arp.table, block.devices and clock.ms; publishes flows.desired
// when a binding names a bridge, routes.desired (or routes_port) when one names a router, and
// instances.desired.extra when there is a disk binding. Each port has one publisher: a
// device-preference that publishes routes.desired cannot run beside another policy that does
// (route-propagation), unless one of them is given another routes_port. Configuration:
// binding_options.hpp. A reload carries each binding's device and holds over to the new
// instance, by binding name.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <mirari/combinators.hpp>
#include <mirari/plugin.hpp>
#include <mirari/ports/arp.hpp>
#include <mirari/ports/block.hpp>
#include <mirari/ports/clock.hpp>
#include <mirari/ports/flows.hpp>
#include <mirari/ports/instances.hpp>
#include <mirari/ports/net.hpp>
#include <mirari/ports/routes.hpp>

#include "binding_options.hpp"
#include "desired_state.hpp"
#include "device_choice.hpp"

namespace mirari::policies {

class DevicePreferencePlugin final : public Plugin {
 public:
  static std::vector<ConfigKey> config_keys() { return device_preference_config_keys(); }

  static std::vector<PortDecl> ports() {
    namespace net = ports::net;
    namespace arp = ports::arp;
    namespace block = ports::block;
    return {
        PortDecl::subscribes<net::Links>(net::kLinks, "the links a link binding chooses from"),
        PortDecl::subscribes<arp::Neighbours>(arp::kTable,
                                              "the gateway's MAC, which the flows rewrite to"),
        PortDecl::subscribes<block::Devices>(block::kDevices,
                                             "the disks a disk binding chooses from"),
        PortDecl::subscribes<ports::ClockMs>(ports::kClock, "the time, to end holds"),
        PortDecl::publishes<ports::flows::FlowsDesired>(
            ports::flows::kFlowsDesired,
            "per bridge, the whole set of flows it must hold: each app's port joined to its chosen "
            "link"),
        PortDecl::publishes<ports::routes::RoutesDesired>(
            "{routes_port}",
            "per router, the routes it must hold and the prefixes it must announce: a route "
            "through each binding's chosen link"),
        PortDecl::publishes<ports::InstanceSpecs>(
            ports::kInstancesDesiredExtra,
            "instances wanted besides a group's counted ones, each with its own spec: one per disk "
            "binding, told its disk")};
  }

  void configure(const Config& config) override {
    chooser_.emplace(parse_device_preference_options(config));
  }

  void restore(const std::string& snapshot) override { previous_ = from_snapshot(snapshot); }

  std::optional<std::string> snapshot() const override {
    if (!state_) return std::nullopt;
    return to_snapshot(state_.value(), chooser_->options());
  }

  void start(Context& ctx) override {
    const DeviceChooser chooser = *chooser_;
    const DevicePreferenceOptions& options = chooser.options();
    auto links = ctx.subscribe<ports::net::Links>(ports::net::kLinks);
    auto disks = ctx.subscribe<ports::block::Devices>(ports::block::kDevices);
    auto now = ctx.subscribe<ports::ClockMs>(ports::kClock);
    auto observed =
        lift(links, disks, now,
             [](const ports::net::Links& l, const ports::block::Devices& d, const Millis& t) {
               return DeviceObservation{l, d, t};
             })
            .named("observation");
    const ChoiceState first =
        previous_ ? chooser.resume(previous_->first, previous_->second, observed.value())
                  : chooser.initial(observed.value());
    state_ = fold(changes(observed), first, [chooser](ChoiceState s, const DeviceObservation& o) {
      return chooser.step(std::move(s), o);
    });
    auto devices = map(state_, [](const ChoiceState& s) { return chosen(s); }).named("chosen");

    if (options.publishes_flows()) {
      auto neighbours = ctx.subscribe<ports::arp::Neighbours>(ports::arp::kTable);
      auto flows =
          lift(devices, neighbours, [options](const Chosen& c, const ports::arp::Neighbours& n) {
            return desired_flows(options, c, n);
          });
      ctx.publish(ports::flows::kFlowsDesired, flows.named("flows"));
    }
    if (options.publishes_routes()) {
      auto routes = map(devices, [options](const Chosen& c) { return desired_routes(options, c); });
      ctx.publish(options.routes_port, routes.named("routes"));
    }
    if (options.publishes_instances()) {
      auto extra =
          map(devices, [options](const Chosen& c) { return desired_instances(options, c); });
      ctx.publish(ports::kInstancesDesiredExtra, extra.named("instances"));
    }
  }

 private:
  std::optional<DeviceChooser> chooser_;
  std::optional<std::pair<ChoiceState, std::vector<std::string>>> previous_;
  Signal<ChoiceState> state_;
};

}  // namespace mirari::policies
