#include "change_driver.hpp"

#include <linux/if_addr.h>
#include <linux/if_link.h>
#include <linux/neighbour.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <sys/socket.h>

#include <cerrno>
#include <stdexcept>
#include <system_error>

#include "rtnetlink/netns.hpp"

namespace mirari::bench {

ChangeDriver::ChangeDriver(const std::string& netns) : netns_(netns) {
  rtnetlink::in_netns(netns, [&] { socket_ = rtnetlink::Socket::open(); });
}

int ChangeDriver::index_of(const std::string& link) const {
  unsigned index = 0;
  rtnetlink::in_netns(netns_, [&] { index = ::if_nametoindex(link.c_str()); });
  if (index == 0) throw std::runtime_error("no link " + link + " in " + netns_);
  return static_cast<int>(index);
}

void ChangeDriver::send(const void* request, std::size_t size) {
  if (mnl_socket_sendto(socket_.get(), request, size) < 0) {
    throw std::system_error(errno, std::generic_category(), "rtnetlink request");
  }
}

void ChangeDriver::set_mtu(int ifindex, std::uint32_t mtu) {
  alignas(nlmsghdr) std::array<char, 256> buffer{};
  nlmsghdr* nlh = mnl_nlmsg_put_header(buffer.data());
  nlh->nlmsg_type = RTM_NEWLINK;
  nlh->nlmsg_flags = NLM_F_REQUEST;
  nlh->nlmsg_seq = socket_.next_sequence();
  auto* info = static_cast<ifinfomsg*>(mnl_nlmsg_put_extra_header(nlh, sizeof(ifinfomsg)));
  info->ifi_family = AF_UNSPEC;
  info->ifi_index = ifindex;
  mnl_attr_put_u32(nlh, IFLA_MTU, mtu);
  send(nlh, nlh->nlmsg_len);
}

void ChangeDriver::set_up(int ifindex, bool up) {
  alignas(nlmsghdr) std::array<char, 256> buffer{};
  nlmsghdr* nlh = mnl_nlmsg_put_header(buffer.data());
  nlh->nlmsg_type = RTM_NEWLINK;
  nlh->nlmsg_flags = NLM_F_REQUEST;
  nlh->nlmsg_seq = socket_.next_sequence();
  auto* info = static_cast<ifinfomsg*>(mnl_nlmsg_put_extra_header(nlh, sizeof(ifinfomsg)));
  info->ifi_family = AF_UNSPEC;
  info->ifi_index = ifindex;
  info->ifi_change = IFF_UP;
  info->ifi_flags = up ? IFF_UP : 0;
  send(nlh, nlh->nlmsg_len);
}

void ChangeDriver::set_address(int ifindex, const std::array<std::uint8_t, 4>& address,
                               std::uint8_t prefix_length, bool present) {
  alignas(nlmsghdr) std::array<char, 256> buffer{};
  nlmsghdr* nlh = mnl_nlmsg_put_header(buffer.data());
  nlh->nlmsg_type = present ? RTM_NEWADDR : RTM_DELADDR;
  nlh->nlmsg_flags = present ? NLM_F_REQUEST | NLM_F_CREATE | NLM_F_EXCL : NLM_F_REQUEST;
  nlh->nlmsg_seq = socket_.next_sequence();
  auto* info = static_cast<ifaddrmsg*>(mnl_nlmsg_put_extra_header(nlh, sizeof(ifaddrmsg)));
  info->ifa_family = AF_INET;
  info->ifa_prefixlen = prefix_length;
  info->ifa_index = static_cast<unsigned>(ifindex);
  mnl_attr_put(nlh, IFA_LOCAL, address.size(), address.data());
  mnl_attr_put(nlh, IFA_ADDRESS, address.size(), address.data());
  send(nlh, nlh->nlmsg_len);
}

void ChangeDriver::set_neighbour(int ifindex, const std::array<std::uint8_t, 4>& address,
                                 const std::array<std::uint8_t, 6>& mac) {
  alignas(nlmsghdr) std::array<char, 256> buffer{};
  nlmsghdr* nlh = mnl_nlmsg_put_header(buffer.data());
  nlh->nlmsg_type = RTM_NEWNEIGH;
  nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_CREATE | NLM_F_REPLACE;
  nlh->nlmsg_seq = socket_.next_sequence();
  auto* info = static_cast<ndmsg*>(mnl_nlmsg_put_extra_header(nlh, sizeof(ndmsg)));
  info->ndm_family = AF_INET;
  info->ndm_ifindex = ifindex;
  info->ndm_state = NUD_PERMANENT;
  mnl_attr_put(nlh, NDA_DST, address.size(), address.data());
  mnl_attr_put(nlh, NDA_LLADDR, mac.size(), mac.data());
  send(nlh, nlh->nlmsg_len);
}

int ChangeDriver::refusals() {
  int refused = 0;
  std::array<char, 8192> buffer{};
  for (;;) {
    const ssize_t n = ::recv(socket_.fd(), buffer.data(), buffer.size(), MSG_DONTWAIT);
    if (n <= 0) return refused;
    int left = static_cast<int>(n);
    for (auto* msg = reinterpret_cast<const nlmsghdr*>(buffer.data()); mnl_nlmsg_ok(msg, left);
         msg = mnl_nlmsg_next(msg, &left)) {
      if (msg->nlmsg_type == NLMSG_ERROR) ++refused;
    }
  }
}

}  // namespace mirari::bench
