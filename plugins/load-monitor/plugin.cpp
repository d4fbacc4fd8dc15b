// Exports the load monitor as a Mirari plugin.
#include "load_monitor_plugin.hpp"

MIRARI_PLUGIN(mirari::load::LoadMonitorPlugin, "load-monitor", "1.0.0", mirari::Kind::watcher,
              "publishes the load instances report on a unix datagram socket and the CPU share "
              "of process instances (load.by_instance, load.total, instances.reports, "
              "load.samples, load.rejected)")
