#include "uevent_listener.hpp"

#include <linux/netlink.h>
#include <sys/socket.h>

#include <cerrno>
#include <mutex>
#include <string>
#include <vector>

#include <boost/asio/posix/stream_descriptor.hpp>

#include "rtnetlink/unique_fd.hpp"

namespace mirari::block {

namespace {

using rtnetlink::UniqueFd;

// The kernel's own multicast group; udev rebroadcasts on group 2.
constexpr unsigned kKernelGroup = 1;
// Records read per wake-up before yielding the thread to other work on the executor.
constexpr int kRecordsPerWake = 1024;
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

}  // namespace

struct UeventListener::State : std::enable_shared_from_this<State> {
  State(boost::asio::any_io_executor io, UniqueFd fd)
      : socket(std::move(fd)), descriptor(std::move(io), socket.get()), buffer(kBufferSize) {}
  ~State() {
    // The socket owns the descriptor number; Asio must not close it a second time.
    if (descriptor.is_open()) descriptor.release();
  }

  void wait() {
    descriptor.async_wait(boost::asio::posix::stream_descriptor::wait_read,
                          [self = shared_from_this()](const boost::system::error_code& error) {
                            self->on_readable(error);
                          });
  }

  void on_readable(const boost::system::error_code& error) {
    std::lock_guard lock(mutex);
    if (stopped) return;
    if (error) {
      close();
      handlers.failed(std::error_code(error.value(), std::generic_category()));
      return;
    }
    read_batch();
    if (!stopped) wait();
  }

  void read_batch() {
    for (int i = 0; i < kRecordsPerWake && !stopped; ++i) {
      sockaddr_nl sender{};
      iovec iov{buffer.data(), buffer.size()};
      msghdr header{};
      header.msg_name = &sender;
      header.msg_namelen = sizeof sender;
      header.msg_iov = &iov;
      header.msg_iovlen = 1;
      const ssize_t received = ::recvmsg(socket.get(), &header, MSG_DONTWAIT);
      if (received < 0) {
        const int error = errno;
        if (error == EINTR) continue;
        if (error == EAGAIN || error == EWOULDBLOCK) break;
        if (error == ENOBUFS) {
          report_gap();
          continue;
        }
        close();
        handlers.failed(std::error_code(error, std::generic_category()));
        return;
      }
      if ((header.msg_flags & MSG_TRUNC) != 0) {
        report_gap();
        continue;
      }
      if (sender.nl_pid != 0 || (sender.nl_groups & kKernelGroup) == 0) continue;
      handlers.record(std::string_view(buffer.data(), static_cast<std::size_t>(received)));
    }
    if (!stopped) handlers.batch_end();
  }

  void report_gap() {
    for (;;) {
      const ssize_t received = ::recv(socket.get(), buffer.data(), buffer.size(), MSG_DONTWAIT);
      if (received >= 0 || errno == EINTR || errno == ENOBUFS) continue;
      break;
    }
    handlers.overrun();
  }

  void close() {
    stopped = true;
    if (descriptor.is_open()) descriptor.release();
    socket.reset();
  }

  // Recursive so that a handler may stop its own listener.
  std::recursive_mutex mutex;
  bool stopped = false;
  UniqueFd socket;
  boost::asio::posix::stream_descriptor descriptor;
  Handlers handlers;
  std::vector<char> buffer;
};

UeventListener::UeventListener(boost::asio::any_io_executor io, int receive_buffer)
    : state_(std::make_shared<State>(std::move(io), open_socket(receive_buffer))) {}

UeventListener::~UeventListener() {
  stop();
}

void UeventListener::start(Handlers handlers) {
  std::lock_guard lock(state_->mutex);
  if (state_->stopped) return;
  state_->handlers = std::move(handlers);
  state_->wait();
}

void UeventListener::stop() {
  std::lock_guard lock(state_->mutex);
  state_->close();
}

}  // namespace mirari::block
