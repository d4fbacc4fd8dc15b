// Exports the ARP watcher as a Mirari plugin.
#include "arp_watcher_plugin.hpp"

MIRARI_PLUGIN(mirari::arp::ArpWatcherPlugin, "arp-watcher", "1.0.0", mirari::Kind::watcher,
              "publishes the neighbour table (ARP and ND) of a network namespace (arp.table) "
              "and every change to it, MAC moves as one event (arp.events)")
