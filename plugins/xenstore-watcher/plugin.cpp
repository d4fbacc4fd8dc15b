// Exports the XenStore watcher as a Mirari plugin.
#include "xenstore_watcher_plugin.hpp"

MIRARI_PLUGIN(mirari::xen::XenStoreWatcherPlugin, "xenstore-watcher", "1.0.0",
              mirari::Kind::watcher,
              "publishes the domains under a XenStore prefix (xen.domains), their vif and vbd "
              "devices with xenbus states (xen.vifs, xen.vbds) and their data/ reports "
              "(xen.data), each with its change events")
