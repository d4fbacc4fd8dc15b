#include "common/datagram_listener.hpp"

#include <sys/socket.h>

#include <cerrno>
#include <mutex>
#include <vector>

#include <boost/asio/posix/stream_descriptor.hpp>

namespace mirari::common {

namespace {
// Datagrams read per wake-up before yielding the thread to other work on the executor.
constexpr int kDatagramsPerWake = 1024;
}  // namespace

struct DatagramListener::State : std::enable_shared_from_this<State> {
  State(boost::asio::any_io_executor io, int fd, std::function<void()> close_socket,
        std::size_t buffer_size)
      : fd(fd),
        close_socket(std::move(close_socket)),
        descriptor(std::move(io), fd),
        buffer(buffer_size) {}
  ~State() {
    // The socket's owner closes the descriptor number; Asio must not close it a second time.
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
    for (int i = 0; i < kDatagramsPerWake && !stopped; ++i) {
      sockaddr_nl sender{};
      iovec iov{buffer.data(), buffer.size()};
      msghdr header{};
      header.msg_name = &sender;
      header.msg_namelen = sizeof sender;
      header.msg_iov = &iov;
      header.msg_iovlen = 1;
      const ssize_t received = ::recvmsg(fd, &header, MSG_DONTWAIT);
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
      handlers.datagram(sender,
                        std::string_view(buffer.data(), static_cast<std::size_t>(received)));
    }
    if (!stopped) handlers.batch_end();
  }

  void report_gap() {
    for (;;) {
      const ssize_t received = ::recv(fd, buffer.data(), buffer.size(), MSG_DONTWAIT);
      if (received >= 0 || errno == EINTR || errno == ENOBUFS) continue;
      break;
    }
    handlers.overrun();
  }

  void close() {
    if (stopped) return;
    stopped = true;
    if (descriptor.is_open()) descriptor.release();
    close_socket();
  }

  // Recursive so that a handler may stop its own listener.
  std::recursive_mutex mutex;
  bool stopped = false;
  int fd;
  std::function<void()> close_socket;
  boost::asio::posix::stream_descriptor descriptor;
  Handlers handlers;
  std::vector<char> buffer;
};

DatagramListener::DatagramListener(boost::asio::any_io_executor io, int fd,
                                   std::function<void()> close_socket, std::size_t buffer_size)
    : state_(std::make_shared<State>(std::move(io), fd, std::move(close_socket), buffer_size)) {}

DatagramListener::~DatagramListener() {
  stop();
}

void DatagramListener::start(Handlers handlers) {
  std::lock_guard lock(state_->mutex);
  if (state_->stopped) return;
  state_->handlers = std::move(handlers);
  state_->wait();
}

void DatagramListener::stop() {
  std::lock_guard lock(state_->mutex);
  state_->close();
}

}  // namespace mirari::common
