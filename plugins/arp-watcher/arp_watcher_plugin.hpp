// The ARP watcher as a plugin: configuration keys netns and receive_buffer (see
// rtnetlink/watcher_plugin.hpp), ports arp.table and arp.events (types in
// mirari/ports/arp.hpp).
#pragma once

#include "arp_watcher.hpp"
#include "rtnetlink/watcher_plugin.hpp"

namespace mirari::arp {

struct ArpWatcherPorts {
  static constexpr const char* kTable = ports::arp::kTable;
  static constexpr const char* kEvents = ports::arp::kEvents;
};
using ArpWatcherPlugin = rtnetlink::WatcherPlugin<ArpWatcher, ArpWatcherPorts>;

}  // namespace mirari::arp
