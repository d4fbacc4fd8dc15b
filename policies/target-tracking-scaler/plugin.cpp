// Exports the target-tracking scaler as a Mirari plugin.
#include "target_tracking_plugin.hpp"

MIRARI_PLUGIN(mirari::policies::TargetTrackingPlugin, "target-tracking-scaler", "1.0.0",
              mirari::Kind::policy,
              "keeps a group's load per ready instance at a target with Kubernetes' Horizontal "
              "Pod Autoscaler rule (scale.<group>.desired)")
