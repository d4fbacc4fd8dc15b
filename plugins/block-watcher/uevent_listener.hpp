// Following the kernel's uevents (a NETLINK_KOBJECT_UEVENT socket joined to the kernel's
// group) on an Asio executor.
//
// The socket is an Asio descriptor: the listener waits for it to become readable, then reads
// every queued record without blocking and hands each to its handlers. No thread is parked
// on the socket and nothing polls.
//
// Invariants:
// - Handlers run one at a time, never while stop() runs, and never again once stop() has
//   returned, whichever thread calls it.
// - Only records the kernel sent reach the record handler (udev's rebroadcasts and other
//   processes' datagrams do not).
// - A gap in the stream (the kernel dropped records because the socket's buffer was full,
//   reported as ENOBUFS, or a datagram was cut short) discards what was queued behind it
//   and calls the overrun handler, so the reader rebuilds its state from sysfs rather than
//   from a stream with holes.
#pragma once

#include <functional>
#include <memory>
#include <string_view>
#include <system_error>

#include <boost/asio/any_io_executor.hpp>

#include "common/datagram_listener.hpp"

namespace mirari::block {

class UeventListener {
 public:
  struct Handlers {
    std::function<void(std::string_view datagram)> record;
    // After the records read in one wake-up.
    std::function<void()> batch_end;
    // Records were lost; what was queued has been discarded.
    std::function<void()> overrun;
    // Reading failed for good; no handler runs after this one.
    std::function<void(std::error_code)> failed;
  };

  // Opens the socket and joins the kernel's uevent group: records are queued from here on.
  // receive_buffer: bytes, 0 for the system default; beyond the system's limit when the
  // process may (CAP_NET_ADMIN). Throws std::system_error; nothing stays open then.
  UeventListener(boost::asio::any_io_executor io, int receive_buffer);
  ~UeventListener();
  UeventListener(const UeventListener&) = delete;
  UeventListener& operator=(const UeventListener&) = delete;

  // Begins waiting for records; handlers run on io's threads.
  void start(Handlers handlers);
  // Cancels the wait and closes the socket. Any thread, including a handler's. Idempotent.
  void stop();

 private:
  common::DatagramListener datagrams_;
};

}  // namespace mirari::block
