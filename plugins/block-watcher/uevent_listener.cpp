#include "uevent_listener.hpp"

#include <linux/netlink.h>
#include <sys/socket.h>

#include <cerrno>
#include <string>
#include <utility>

#include "mirari/unique_fd.hpp"

namespace mirari::block {

namespace {

using common::DatagramListener;

// The kernel's own multicast group; udev rebroadcasts on group 2.
constexpr unsigned kKernelGroup = 1;
// Above the largest record the kernel sends (UEVENT_BUFFER_SIZE is 2 KiB).
constexpr std::size_t kBufferSize = 1 << 14;

[[noreturn]] void fail(const std::string& what) {
  throw std::system_error(errno, std::generic_category(), "uevent: " + what);
}

UniqueFd open_socket(int receive_buffer) {
  UniqueFd fd(
      ::socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, NETLINK_KOBJECT_UEVENT));
  if (!fd) fail("cannot open a socket");
  if (receive_buffer > 0 &&
      ::setsockopt(fd.get(), SOL_SOCKET, SO_RCVBUFFORCE, &receive_buffer, sizeof receive_buffer) !=
          0 &&
      ::setsockopt(fd.get(), SOL_SOCKET, SO_RCVBUF, &receive_buffer, sizeof receive_buffer) != 0) {
    fail("cannot set the receive buffer to " + std::to_string(receive_buffer) + " bytes");
  }
  sockaddr_nl address{};
  address.nl_family = AF_NETLINK;
  address.nl_groups = kKernelGroup;
  if (::bind(fd.get(), reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0) {
    fail("cannot join the kernel's uevent group");
  }
  return fd;
}

DatagramListener listen(boost::asio::any_io_executor io, int receive_buffer) {
  auto owned = std::make_shared<UniqueFd>(open_socket(receive_buffer));
  const int fd = owned->get();
  return DatagramListener(
      std::move(io), fd, [owned] { owned->reset(); }, kBufferSize);
}

}  // namespace

UeventListener::UeventListener(boost::asio::any_io_executor io, int receive_buffer)
    : datagrams_(listen(std::move(io), receive_buffer)) {}

UeventListener::~UeventListener() = default;

void UeventListener::start(Handlers handlers) {
  datagrams_.start(DatagramListener::Handlers{
      [record = std::move(handlers.record)](const sockaddr_nl& sender, std::string_view datagram) {
        // udev's rebroadcasts and other processes' datagrams are not the kernel's.
        if (sender.nl_pid != 0 || (sender.nl_groups & kKernelGroup) == 0) return;
        record(datagram);
      },
      std::move(handlers.batch_end), std::move(handlers.overrun), std::move(handlers.failed)});
}

void UeventListener::stop() {
  datagrams_.stop();
}

}  // namespace mirari::block
