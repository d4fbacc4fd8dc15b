// Exports the threshold scaler as a Mirari plugin.
#include "threshold_scaler_plugin.hpp"

MIRARI_PLUGIN(mirari::policies::ThresholdScalerPlugin, "threshold-scaler", "1.0.0",
              mirari::Kind::policy,
              "one instance more or fewer when a group's mean load stays outside [low, high] "
              "for hold_ms, with a cooldown (scale.<group>.desired)")
