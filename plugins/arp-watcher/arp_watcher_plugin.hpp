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
  static constexpr const char* kTableMeaning =
      "every neighbour entry (ARP and ND) of the namespace, by link and address";
  static constexpr const char* kEventsMeaning =
      "the changes of one tick to arp.table, a MAC move as one event, in order";
};
using ArpWatcherPlugin = rtnetlink::WatcherPlugin<ArpWatcher, ArpWatcherPorts>;

}  // namespace mirari::arp
