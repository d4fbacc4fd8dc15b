// Reading the datagrams that arrive on a netlink socket, on an Asio executor. Shared by the
// rtnetlink listener (the net and ARP watchers' messages) and the block watcher's uevent
// listener (records).
//
// The socket is an Asio descriptor: the listener waits for it to become readable, then reads
// every queued datagram without blocking and hands each to its handler. No thread is parked
// on the socket and nothing polls.
//
// Invariants:
// - Handlers run one at a time, never while stop() runs, and never again once stop() has
//   returned, whichever thread calls it.
// - A gap in the stream (the kernel dropped datagrams because the socket's buffer was full,
//   reported as ENOBUFS, or a datagram was cut short) discards what was queued behind it
//   and calls the overrun handler, so the reader rebuilds its state rather than read a
//   stream with holes.
#pragma once

#include <linux/netlink.h>

#include <cstddef>
#include <functional>
#include <memory>
#include <string_view>
#include <system_error>

#include <boost/asio/any_io_executor.hpp>

namespace mirari::common {

class DatagramListener {
 public:
  struct Handlers {
    std::function<void(const sockaddr_nl& sender, std::string_view datagram)> datagram;
    // After the datagrams read in one wake-up.
    std::function<void()> batch_end;
    // Datagrams were lost; what was queued has been discarded.
    std::function<void()> overrun;
    // Reading failed for good; no handler runs after this one.
    std::function<void(std::error_code)> failed;
  };

  // Reads fd, a socket that close_socket closes (it is called once, by stop()); buffer_size
  // is above the largest datagram the kernel sends on it.
  DatagramListener(boost::asio::any_io_executor io, int fd, std::function<void()> close_socket,
                   std::size_t buffer_size);
  ~DatagramListener();
  DatagramListener(const DatagramListener&) = delete;
  DatagramListener& operator=(const DatagramListener&) = delete;

  // Begins waiting for datagrams; handlers run on io's threads.
  void start(Handlers handlers);
  // Cancels the wait and closes the socket. Any thread, including a handler's. Idempotent.
  void stop();

 private:
  struct State;
  std::shared_ptr<State> state_;
};

}  // namespace mirari::common
