// Exports the policy as a Mirari plugin.
#include "threshold_policy.hpp"

MIRARI_PLUGIN(example::ThresholdPolicy, "threshold-policy", "1.0.0", mirari::Kind::policy,
              "adds or removes one instance when the load per instance leaves [low, high]")
