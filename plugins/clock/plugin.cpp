// Exports the clock as a Mirari plugin.
#include "clock_plugin.hpp"

MIRARI_PLUGIN(mirari::clock::ClockPlugin, "clock", "1.0.0", mirari::Kind::watcher,
              "publishes the monotonic clock in milliseconds (clock.ms) every period_ms, the "
              "time policies measure hold times, cooldowns and windows with")
