// A NETLINK_ROUTE socket (libmnl), owned: closed when the owner goes.
#pragma once

#include <libmnl/libmnl.h>

#include <cstdint>
#include <memory>

namespace mirari::rtnetlink {

class Socket {
 public:
  // Opens and binds a socket in the calling thread's network namespace (see in_netns()).
  // Throws std::system_error.
  static Socket open();

  Socket() = default;

  // Joins a multicast group (RTNLGRP_*): the kernel's notifications for it arrive from now on.
  // Throws std::system_error.
  void subscribe(unsigned group);
  // Sets the receive buffer to bytes, beyond the system's limit when the process may
  // (CAP_NET_ADMIN). It bounds how many notifications can wait unread before the kernel drops
  // some and reports ENOBUFS. Throws std::system_error.
  void set_receive_buffer(int bytes);
  // The buffer the kernel actually uses (it doubles the request for its bookkeeping).
  int receive_buffer() const;

  mnl_socket* get() const noexcept { return socket_.get(); }
  int fd() const noexcept { return mnl_socket_get_fd(socket_.get()); }
  unsigned portid() const noexcept { return mnl_socket_get_portid(socket_.get()); }
  // A sequence number for the next request on this socket.
  std::uint32_t next_sequence() noexcept { return ++sequence_; }
  explicit operator bool() const noexcept { return socket_ != nullptr; }
  void close() noexcept { socket_.reset(); }

 private:
  struct Closer {
    void operator()(mnl_socket* socket) const noexcept { mnl_socket_close(socket); }
  };
  std::unique_ptr<mnl_socket, Closer> socket_;
  std::uint32_t sequence_ = 0;
};

}  // namespace mirari::rtnetlink
