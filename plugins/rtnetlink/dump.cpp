#include "rtnetlink/dump.hpp"

#include <linux/if_addr.h>
#include <linux/neighbour.h>
#include <linux/rtnetlink.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <string>
#include <system_error>
#include <vector>

#include "rtnetlink/message_walk.hpp"

namespace mirari::rtnetlink {

namespace {

// The family header a GET request of this type carries; its first byte is the family.
std::size_t header_size(std::uint16_t type) {
  switch (type) {
    case RTM_GETLINK:
      return sizeof(ifinfomsg);
    case RTM_GETADDR:
      return sizeof(ifaddrmsg);
    case RTM_GETNEIGH:
      return sizeof(ndmsg);
    default:
      return sizeof(rtgenmsg);
  }
}

[[noreturn]] void fail(int error, std::uint16_t type, const char* what) {
  throw std::system_error(error, std::generic_category(),
                          "rtnetlink: dump of message type " + std::to_string(type) + " " + what);
}

}  // namespace

bool dump(Socket& socket, DumpRequest request,
          const std::function<void(const nlmsghdr&)>& each_object) {
  // A header and the largest family header: the request has no attributes.
  alignas(nlmsghdr) std::array<char, 64> out{};
  nlmsghdr* nlh = mnl_nlmsg_put_header(out.data());
  nlh->nlmsg_type = request.type;
  nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
  nlh->nlmsg_seq = socket.next_sequence();
  auto* family =
      static_cast<std::uint8_t*>(mnl_nlmsg_put_extra_header(nlh, header_size(request.type)));
  *family = request.family;
  if (mnl_socket_sendto(socket.get(), nlh, nlh->nlmsg_len) < 0) {
    fail(errno, request.type, "could not be sent");
  }

  const std::uint32_t sequence = nlh->nlmsg_seq;
  const unsigned portid = socket.portid();
  bool consistent = true;
  // Large enough for the biggest datagram a dump sends, so no reply is cut short.
  std::vector<char> in(1 << 16);
  for (;;) {
    const ssize_t received = mnl_socket_recvfrom(socket.get(), in.data(), in.size());
    if (received < 0) {
      if (errno == EINTR) continue;
      fail(errno, request.type, "failed");
    }
    int left = static_cast<int>(received);
    for (auto* msg = reinterpret_cast<const nlmsghdr*>(in.data()); message_fits(msg, left);
         msg = mnl_nlmsg_next(msg, &left)) {
      if (!mnl_nlmsg_seq_ok(msg, sequence) || !mnl_nlmsg_portid_ok(msg, portid)) continue;
      if ((msg->nlmsg_flags & NLM_F_DUMP_INTR) != 0) consistent = false;
      if (msg->nlmsg_type == NLMSG_DONE) return consistent;
      if (msg->nlmsg_type == NLMSG_ERROR) {
        const auto* error = static_cast<const nlmsgerr*>(mnl_nlmsg_get_payload(msg));
        if (mnl_nlmsg_get_payload_len(msg) < sizeof(nlmsgerr))
          fail(EBADMSG, request.type, "failed");
        if (error->error == 0) continue;
        fail(-error->error, request.type, "was refused");
      }
      if (msg->nlmsg_type < NLMSG_MIN_TYPE) continue;
      each_object(*msg);
    }
  }
}

}  // namespace mirari::rtnetlink
