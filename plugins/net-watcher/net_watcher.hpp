// The net watcher: the links of one network namespace and their addresses, followed through
// rtnetlink and written into the graph. Knows nothing of the host; the plugin adapter
// (plugin.cpp) hands it an executor and the sources behind its ports.
//
// Construction reads the current state (so a watcher started late, or again, begins with
// the whole truth); follow() then tracks every change from the kernel's notifications,
// without polling: each batch of notifications read together sets the links source once
// and emits the list of its changes, in one tick (see rtnetlink/mirror.hpp).
// Lost notifications are recovered by reading the whole state again and emitting the
// differences.
#pragma once

#include <string>

#include <boost/asio/any_io_executor.hpp>
#include <mirari/source.hpp>

#include "link_model.hpp"
#include "net_ports.hpp"
#include "rtnetlink/mirror.hpp"

namespace mirari::net {

class NetWatcher {
 public:
  using Table = Links;
  using Event = LinkEvent;

  // Opens its sockets in options.netns and reads the current links and addresses. Throws
  // rtnetlink::NetnsError for a namespace that cannot be entered and std::system_error when
  // rtnetlink refuses; nothing is left open then.
  NetWatcher(boost::asio::any_io_executor io, rtnetlink::MirrorOptions options);

  // The links read at construction. Only before follow().
  Links table() const { return mirror_.table(); }
  // Starts following changes on the executor. previous: the table a replaced watcher had
  // published, to emit the changes since. Call once.
  void follow(common::TablePublisher<Links, LinkEvent> out, const Links* previous = nullptr) {
    mirror_.follow(std::move(out), previous);
  }
  // Closes the notification socket; nothing is written after it returns. Any thread.
  void stop() { mirror_.stop(); }
  rtnetlink::MirrorStats stats() const { return mirror_.stats(); }

 private:
  rtnetlink::Mirror<LinkModel> mirror_;
};

}  // namespace mirari::net
