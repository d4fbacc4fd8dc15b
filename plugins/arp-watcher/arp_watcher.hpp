// The ARP watcher: the neighbour table (IPv4 ARP, IPv6 ND) of one network namespace,
// followed through rtnetlink and written into the graph. Knows nothing of the host; the
// plugin adapter (plugin.cpp) hands it an executor and the sources behind its ports.
//
// Construction reads the current table (so a watcher started late, or again, begins with
// the whole truth); follow() then tracks every change from the kernel's notifications,
// without polling: each batch of notifications read together sets the table source once
// and emits the list of its changes, in one tick (see rtnetlink/mirror.hpp).
// Lost notifications are recovered by reading the whole table again and emitting the
// differences.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <mirari/source.hpp>

#include "arp_ports.hpp"
#include "neighbour_model.hpp"
#include "rtnetlink/mirror.hpp"

namespace mirari::arp {

class ArpWatcher {
 public:
  using Table = Neighbours;
  using Event = NeighbourEvent;

  // Opens its sockets in options.netns and reads the current table. Throws
  // rtnetlink::NetnsError for a namespace that cannot be entered and std::system_error when
  // rtnetlink refuses; nothing is left open then.
  ArpWatcher(boost::asio::any_io_executor io, rtnetlink::MirrorOptions options)
      : mirror_(std::move(io), std::move(options), NeighbourModel{}) {}

  // The table read at construction: O(1). Only before follow().
  Neighbours table() const { return mirror_.table(); }
  // Starts following changes on the executor. previous: the table a replaced watcher had
  // published, to emit the changes since. Call once.
  void follow(common::TablePublisher<Neighbours, NeighbourEvent> out,
              const Neighbours* previous = nullptr) {
    mirror_.follow(std::move(out), previous);
  }
  // Closes the notification socket; nothing is written after it returns. Any thread.
  void stop() { mirror_.stop(); }
  rtnetlink::MirrorStats stats() const { return mirror_.stats(); }

 private:
  rtnetlink::Mirror<NeighbourModel> mirror_;
};

}  // namespace mirari::arp
