// Following the notifications that arrive on a subscribed socket, on an Asio executor.
//
// The socket is an Asio descriptor: the listener waits for it to become readable, then reads
// every queued datagram without blocking and hands each message to its handlers. No thread
// is parked on the socket and nothing polls.
//
// Invariants:
// - Handlers run one at a time, never while stop() runs, and never again once stop() has
//   returned, whichever thread calls it.
// - Only messages the kernel sent reach the message handler.
// - A gap in the stream (the kernel dropped notifications because the socket's buffer was
//   full, reported as ENOBUFS, or a datagram was cut short) discards what was queued behind
//   it and calls the overrun handler, so the reader rebuilds its state from a fresh dump
//   rather than from a stream with holes.
#pragma once

#include <linux/netlink.h>

#include <functional>
#include <memory>
#include <system_error>

#include <boost/asio/any_io_executor.hpp>

#include "common/datagram_listener.hpp"
#include "rtnetlink/socket.hpp"

namespace mirari::rtnetlink {

class Listener {
 public:
  struct Handlers {
    std::function<void(const nlmsghdr&)> message;
    // After the messages read in one wake-up.
    std::function<void()> batch_end;
    // Notifications were lost; what was queued has been discarded.
    std::function<void()> overrun;
    // Reading failed for good; no handler runs after this one.
    std::function<void(std::error_code)> failed;
  };

  // Takes the socket, already subscribed to its groups.
  Listener(boost::asio::any_io_executor io, Socket socket);
  ~Listener();
  Listener(const Listener&) = delete;
  Listener& operator=(const Listener&) = delete;

  // Begins waiting for notifications; handlers run on io's threads.
  void start(Handlers handlers);
  // Cancels the wait and closes the socket. Any thread, including a handler's. Idempotent.
  void stop();

 private:
  common::DatagramListener datagrams_;
};

}  // namespace mirari::rtnetlink
