#include "rtnetlink/socket.hpp"

#include <sys/socket.h>

#include <cerrno>
#include <string>
#include <system_error>

namespace mirari::rtnetlink {

namespace {
[[noreturn]] void fail(const std::string& what) {
  throw std::system_error(errno, std::generic_category(), "rtnetlink: " + what);
}
}  // namespace

Socket Socket::open() {
  Socket s;
  s.socket_.reset(mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC));
  if (!s.socket_) fail("cannot open a socket");
  if (mnl_socket_bind(s.socket_.get(), 0, MNL_SOCKET_AUTOPID) < 0) fail("cannot bind a socket");
  return s;
}

void Socket::subscribe(unsigned group) {
  int value = static_cast<int>(group);
  if (mnl_socket_setsockopt(socket_.get(), NETLINK_ADD_MEMBERSHIP, &value, sizeof value) < 0) {
    fail("cannot join multicast group " + std::to_string(group));
  }
}

void Socket::set_receive_buffer(int bytes) {
  if (::setsockopt(fd(), SOL_SOCKET, SO_RCVBUFFORCE, &bytes, sizeof bytes) == 0) return;
  if (::setsockopt(fd(), SOL_SOCKET, SO_RCVBUF, &bytes, sizeof bytes) != 0) {
    fail("cannot set the receive buffer to " + std::to_string(bytes) + " bytes");
  }
}

int Socket::receive_buffer() const {
  int bytes = 0;
  socklen_t size = sizeof bytes;
  if (::getsockopt(fd(), SOL_SOCKET, SO_RCVBUF, &bytes, &size) != 0) {
    fail("cannot read the receive buffer size");
  }
  return bytes;
}

}  // namespace mirari::rtnetlink
