// An instance's side of the load monitor's socket: a unix datagram socket connected to it,
// each send one datagram, never blocking, as an instance that must not stall on its
// reporting sends.
#pragma once

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <string_view>
#include <system_error>

namespace mirari::bench {

class ReportSocket {
 public:
  // Throws std::system_error when the socket cannot be made or connected.
  explicit ReportSocket(const std::filesystem::path& path)
      : fd_(::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0)) {
    if (fd_ < 0) fail("socket");
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    std::strncpy(address.sun_path, path.c_str(), sizeof address.sun_path - 1);
    if (::connect(fd_, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0) {
      const int error = errno;
      ::close(fd_);
      throw std::system_error(error, std::generic_category(), "connect to " + path.string());
    }
  }
  ~ReportSocket() { ::close(fd_); }
  ReportSocket(const ReportSocket&) = delete;
  ReportSocket& operator=(const ReportSocket&) = delete;

  // Lets bytes of datagrams wait in the monitor's queue on this socket's account. A datagram
  // counts against its sender's send buffer until the monitor reads it, so one socket
  // standing for a whole fleet (each instance having its own buffer) would see EAGAIN from its
  // own buffer (about 270 small datagrams by default) long before the monitor's queue is
  // full. SO_SNDBUFFORCE (root) passes net.core.wmem_max; SO_SNDBUF is the fallback.
  void widen_send_buffer(int bytes) {
    if (::setsockopt(fd_, SOL_SOCKET, SO_SNDBUFFORCE, &bytes, sizeof bytes) != 0 &&
        ::setsockopt(fd_, SOL_SOCKET, SO_SNDBUF, &bytes, sizeof bytes) != 0) {
      fail("setsockopt SO_SNDBUF");
    }
  }

  // Sends datagram; false when the monitor's queue is full (EAGAIN: the report is not sent).
  // Throws std::system_error on any other failure.
  bool send(std::string_view datagram) {
    for (;;) {
      if (::send(fd_, datagram.data(), datagram.size(), MSG_DONTWAIT) >= 0) return true;
      if (errno == EINTR) continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK) return false;
      fail("send");
    }
  }
  // Waits until the monitor's queue has room, or timeout passes.
  void wait_for_room(std::chrono::milliseconds timeout) {
    pollfd fd{fd_, POLLOUT, 0};
    ::poll(&fd, 1, static_cast<int>(timeout.count()));
  }

 private:
  [[noreturn]] static void fail(const char* what) {
    throw std::system_error(errno, std::generic_category(), what);
  }

  int fd_;
};

}  // namespace mirari::bench
