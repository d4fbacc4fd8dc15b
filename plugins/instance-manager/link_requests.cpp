#include "link_requests.hpp"

// <net/if.h> (IFF_UP, if_nametoindex) before the <linux/...> headers, which then leave out
// their own copy of its definitions.
#include <net/if.h>

#include <libmnl/libmnl.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>
#include <sys/socket.h>

#include <cerrno>
#include <system_error>
#include <vector>

#include "rtnetlink/socket.hpp"

namespace mirari::instances {

namespace {

// One request and its acknowledgement.
class Request {
 public:
  Request(std::uint16_t type, std::uint16_t flags) : buffer_(MNL_SOCKET_BUFFER_SIZE) {
    header_ = mnl_nlmsg_put_header(buffer_.data());
    header_->nlmsg_type = type;
    header_->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | flags;
  }
  nlmsghdr* header() noexcept { return header_; }
  template <class T>
  T* extra() {
    return static_cast<T*>(mnl_nlmsg_put_extra_header(header_, sizeof(T)));
  }

  // Sends it and waits for the kernel's answer; throws what the kernel refused it with.
  void run(const std::string& what) {
    rtnetlink::Socket socket = rtnetlink::Socket::open();
    header_->nlmsg_seq = socket.next_sequence();
    if (mnl_socket_sendto(socket.get(), header_, header_->nlmsg_len) < 0) fail(what);
    std::vector<char> answer(MNL_SOCKET_BUFFER_SIZE);
    for (;;) {
      const ssize_t n = mnl_socket_recvfrom(socket.get(), answer.data(), answer.size());
      if (n < 0) fail(what);
      const int done = mnl_cb_run(answer.data(), static_cast<std::size_t>(n), header_->nlmsg_seq,
                                  socket.portid(), nullptr, nullptr);
      if (done < 0) fail(what);
      if (done == MNL_CB_STOP) return;
    }
  }

 private:
  [[noreturn]] static void fail(const std::string& what) {
    throw std::system_error(errno, std::generic_category(), what);
  }

  std::vector<char> buffer_;
  nlmsghdr* header_;
};

std::size_t address_size(int family) {
  return family == AF_INET ? 4 : 16;
}

unsigned index_of(const std::string& name) {
  const auto index = link_index(name);
  if (!index) throw std::system_error(ENODEV, std::generic_category(), "no link '" + name + "'");
  return *index;
}

}  // namespace

std::optional<unsigned> link_index(const std::string& name) {
  const unsigned index = ::if_nametoindex(name.c_str());
  if (index == 0) return std::nullopt;
  return index;
}

void add_veth(const std::string& host_end, const std::string& peer, int netns_fd) {
  Request request(RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL);
  nlmsghdr* nlh = request.header();
  request.extra<ifinfomsg>()->ifi_family = AF_UNSPEC;
  mnl_attr_put_strz(nlh, IFLA_IFNAME, host_end.c_str());
  nlattr* info = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
  mnl_attr_put_strz(nlh, IFLA_INFO_KIND, "veth");
  nlattr* data = mnl_attr_nest_start(nlh, IFLA_INFO_DATA);
  nlattr* peer_info = mnl_attr_nest_start(nlh, VETH_INFO_PEER);
  // The peer's attributes follow an ifinfomsg of its own.
  request.extra<ifinfomsg>()->ifi_family = AF_UNSPEC;
  mnl_attr_put_strz(nlh, IFLA_IFNAME, peer.c_str());
  mnl_attr_put_u32(nlh, IFLA_NET_NS_FD, static_cast<std::uint32_t>(netns_fd));
  mnl_attr_nest_end(nlh, peer_info);
  mnl_attr_nest_end(nlh, data);
  mnl_attr_nest_end(nlh, info);
  request.run("cannot make the veth pair " + host_end + " <-> " + peer);
}

void set_link_up(const std::string& name, std::optional<unsigned> master) {
  Request request(RTM_NEWLINK, 0);
  auto* link = request.extra<ifinfomsg>();
  link->ifi_family = AF_UNSPEC;
  link->ifi_index = static_cast<int>(index_of(name));
  link->ifi_flags = IFF_UP;
  link->ifi_change = IFF_UP;
  if (master) mnl_attr_put_u32(request.header(), IFLA_MASTER, *master);
  request.run(master ? "cannot set " + name + " up as a port of its bridge"
                     : "cannot set " + name + " up");
}

bool delete_link(const std::string& name) {
  const auto index = link_index(name);
  if (!index) return false;
  Request request(RTM_DELLINK, 0);
  auto* link = request.extra<ifinfomsg>();
  link->ifi_family = AF_UNSPEC;
  link->ifi_index = static_cast<int>(*index);
  try {
    request.run("cannot delete link " + name);
  } catch (const std::system_error& e) {
    if (e.code().value() == ENODEV) return false;
    throw;
  }
  return true;
}

void add_address(const std::string& name, int family, const std::array<std::uint8_t, 16>& address,
                 unsigned length) {
  Request request(RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL);
  auto* a = request.extra<ifaddrmsg>();
  a->ifa_family = static_cast<std::uint8_t>(family);
  a->ifa_prefixlen = static_cast<std::uint8_t>(length);
  a->ifa_scope = RT_SCOPE_UNIVERSE;
  a->ifa_index = index_of(name);
  if (family == AF_INET6) a->ifa_flags = IFA_F_NODAD;
  const auto size = static_cast<std::uint16_t>(address_size(family));
  mnl_attr_put(request.header(), IFA_LOCAL, size, address.data());
  mnl_attr_put(request.header(), IFA_ADDRESS, size, address.data());
  request.run("cannot add an address to " + name);
}

void add_default_route(const std::string& name, int family,
                       const std::array<std::uint8_t, 16>& gateway) {
  Request request(RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL);
  auto* r = request.extra<rtmsg>();
  r->rtm_family = static_cast<std::uint8_t>(family);
  r->rtm_table = RT_TABLE_MAIN;
  r->rtm_protocol = RTPROT_BOOT;
  r->rtm_scope = RT_SCOPE_UNIVERSE;
  r->rtm_type = RTN_UNICAST;
  mnl_attr_put(request.header(), RTA_GATEWAY, static_cast<std::uint16_t>(address_size(family)),
               gateway.data());
  mnl_attr_put_u32(request.header(), RTA_OIF, index_of(name));
  request.run("cannot add the default route through " + name);
}

}  // namespace mirari::instances
