// Exports the instance manager as a Mirari plugin.
#include "instance_manager_plugin.hpp"

MIRARI_PLUGIN(
    mirari::instances::InstanceManagerPlugin, "instance-manager", "1.0.0",
    mirari::Kind::reconfigurer,
    "runs a scaling group's instances as processes or Xen domains, as many as scale.GROUP.desired "
    "asks, plus instances.desired.extra; publishes instances.actual and "
    "instances.events")
