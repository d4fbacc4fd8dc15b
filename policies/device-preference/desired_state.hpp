// What the bindings' devices ask of the reconfigurers: flows per bridge, routes per router, an
// instance per disk binding. Pure functions of the options, the chosen devices and (for the
// gateway's MAC) the neighbour table, so a gateway's move to another MAC rewrites the flows in
// the tick arp.table changes.
//
// Flows, for a link binding with flows.bridge = B, app_port = P and chosen link L, in table 0
// at the binding's priority and cookie:
//   in_port=P                    actions=mod_dl_dst:<gateway's MAC>,output:L
//   in_port=L[,dl_dst=app_mac]   actions=output:P
// The rewrite is left out while the binding names no gateway, or arp.table holds no MAC for
// it (an entry with a MAC, not failed; the one on L first, else the lowest ifindex). Every
// bridge a binding names is in the table, with the flows of those of its bindings that have
// a device, in the configuration's order: a bridge whose bindings have none holds no flows.
//
// Routes, for a link binding with route.router = R and chosen link L: prefix via route.via
// (else the gateway, else none) on device L, at the binding's metric. Every router a binding
// names is in the table, with its routes sorted.
//
// Instances, for a disk binding with chosen disk D: key = the binding's name, the spec of its
// instance table with "<disk_env>=/dev/D" appended to env. A binding with no disk has no
// instance, so the instance manager stops it.
#pragma once

#include <mirari/ports/arp.hpp>
#include <mirari/ports/flows.hpp>
#include <mirari/ports/instances.hpp>
#include <mirari/ports/routes.hpp>

#include "binding_options.hpp"
#include "device_choice.hpp"

namespace mirari::policies {

ports::flows::FlowsDesired desired_flows(const DevicePreferenceOptions& options,
                                         const Chosen& chosen,
                                         const ports::arp::Neighbours& neighbours);

ports::routes::RoutesDesired desired_routes(const DevicePreferenceOptions& options,
                                            const Chosen& chosen);

ports::InstanceSpecs desired_instances(const DevicePreferenceOptions& options,
                                       const Chosen& chosen);

}  // namespace mirari::policies
