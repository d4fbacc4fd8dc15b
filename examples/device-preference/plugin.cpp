// Exports the policy as a Mirari plugin.
#include "device_preference.hpp"

MIRARI_PLUGIN(example::DevicePreference, "device-preference", "1.0.0", mirari::Kind::policy,
              "names the usable link with the highest speed")
