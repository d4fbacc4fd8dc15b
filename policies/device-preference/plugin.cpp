// Exports the device-preference policy as a Mirari plugin.
#include "device_preference_plugin.hpp"

MIRARI_PLUGIN(mirari::policies::DevicePreferencePlugin, "device-preference", "1.0.0",
              mirari::Kind::policy,
              "binds each application to its best current link or disk, moving when a better "
              "one has stayed for hold_ms and back at once when it goes (flows.desired, "
              "routes.desired, instances.desired.extra)")
