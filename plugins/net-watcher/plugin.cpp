// Exports the net watcher as a Mirari plugin.
#include "net_watcher_plugin.hpp"

MIRARI_PLUGIN(mirari::net::NetWatcherPlugin, "net-watcher", "1.0.0", mirari::Kind::watcher,
              "publishes the links of a network namespace and their addresses (net.links) "
              "and every change to them (net.link_events)")
