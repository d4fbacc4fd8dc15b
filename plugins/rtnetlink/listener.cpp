#include "rtnetlink/listener.hpp"

#include <libmnl/libmnl.h>

#include <utility>

#include "rtnetlink/message_walk.hpp"

namespace mirari::rtnetlink {

namespace {
// Above the largest notification the kernel sends (NLMSG_GOODSIZE is at most 8 KiB).
constexpr std::size_t kBufferSize = 1 << 16;

DatagramListener listen(boost::asio::any_io_executor io, Socket socket) {
  auto owned = std::make_shared<Socket>(std::move(socket));
  const int fd = owned->fd();
  return DatagramListener(
      std::move(io), fd, [owned] { owned->close(); }, kBufferSize);
}
}  // namespace

Listener::Listener(boost::asio::any_io_executor io, Socket socket)
    : datagrams_(listen(std::move(io), std::move(socket))) {}

Listener::~Listener() = default;

void Listener::start(Handlers handlers) {
  auto message = std::move(handlers.message);
  datagrams_.start(DatagramListener::Handlers{
      [message = std::move(message)](const sockaddr_nl& sender, std::string_view datagram) {
        if (sender.nl_pid != 0) return;  // only what the kernel sent
        int left = static_cast<int>(datagram.size());
        for (auto* msg = reinterpret_cast<const nlmsghdr*>(datagram.data());
             message_fits(msg, left); msg = mnl_nlmsg_next(msg, &left)) {
          if (msg->nlmsg_type >= NLMSG_MIN_TYPE) message(*msg);
        }
      },
      std::move(handlers.batch_end), std::move(handlers.overrun), std::move(handlers.failed)});
}

void Listener::stop() {
  datagrams_.stop();
}

}  // namespace mirari::rtnetlink
