// The ARP watcher as a plugin: configuration keys netns and receive_buffer (see
// rtnetlink/watcher_plugin.hpp), ports arp.table and arp.events (see neighbour.hpp).
#pragma once

#include "arp_watcher.hpp"
#include "rtnetlink/watcher_plugin.hpp"

namespace mirari::arp {

struct ArpWatcherPorts {
  static constexpr const char* kTable = "arp.table";
  static constexpr const char* kEvents = "arp.events";
};
using ArpWatcherPlugin = rtnetlink::WatcherPlugin<ArpWatcher, ArpWatcherPorts>;

}  // namespace mirari::arp
