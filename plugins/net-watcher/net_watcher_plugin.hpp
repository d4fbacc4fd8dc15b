// The net watcher as a plugin: configuration keys netns and receive_buffer (see
// rtnetlink/watcher_plugin.hpp), ports net.links and net.link_events (types in
// mirari/ports/net.hpp).
#pragma once

#include "net_watcher.hpp"
#include "rtnetlink/watcher_plugin.hpp"

namespace mirari::net {

struct NetWatcherPorts {
  static constexpr const char* kTable = ports::net::kLinks;
  static constexpr const char* kEvents = ports::net::kLinkEvents;
  static constexpr const char* kTableMeaning =
      "every link of the namespace (name, kind, MAC, MTU, up, carrier, speed, addresses), by "
      "ifindex";
  static constexpr const char* kEventsMeaning =
      "the changes of one tick to net.links (added, changed, removed), in order";
};
using NetWatcherPlugin = rtnetlink::WatcherPlugin<NetWatcher, NetWatcherPorts>;

}  // namespace mirari::net
