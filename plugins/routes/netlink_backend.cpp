#include "netlink_backend.hpp"

#include <arpa/inet.h>
#include <linux/rtnetlink.h>
#include <net/if.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <stdexcept>
#include <system_error>
#include <vector>

#include "route_check.hpp"
#include "route_diff.hpp"
#include "route_text.hpp"
#include "rtnetlink/attributes.hpp"
#include "rtnetlink/dump.hpp"
#include "rtnetlink/messages.hpp"
#include "rtnetlink/netns.hpp"
#include "rtnetlink/socket.hpp"

namespace mirari::routes {

namespace {

using ports::routes::Route;
using ports::routes::RouterRoutes;

std::string address_text(int family, std::span<const std::byte> bytes) {
  const std::size_t size = family == AF_INET ? 4 : 16;
  if (bytes.size() != size) return {};
  char buffer[INET6_ADDRSTRLEN] = {};
  ::inet_ntop(family, bytes.data(), buffer, sizeof buffer);
  return buffer;
}

// The route in msg, when it is one of the plugin's in the main table.
std::optional<Route> own_route(const nlmsghdr& msg, std::uint8_t protocol) {
  if (msg.nlmsg_type != RTM_NEWROUTE || mnl_nlmsg_get_payload_len(&msg) < sizeof(rtmsg)) {
    return std::nullopt;
  }
  const auto* rt = static_cast<const rtmsg*>(mnl_nlmsg_get_payload(&msg));
  if (rt->rtm_protocol != protocol || rt->rtm_type != RTN_UNICAST) return std::nullopt;
  if (rt->rtm_family != AF_INET && rt->rtm_family != AF_INET6) return std::nullopt;
  rtnetlink::Attributes<RTA_MAX> attrs(msg, sizeof(rtmsg));
  const std::uint32_t table = attrs.u32(RTA_TABLE).value_or(rt->rtm_table);
  if (table != RT_TABLE_MAIN) return std::nullopt;
  Route r;
  std::string destination = address_text(rt->rtm_family, attrs.bytes(RTA_DST));
  if (destination.empty()) destination = rt->rtm_family == AF_INET ? "0.0.0.0" : "::";
  r.prefix = destination + "/" + std::to_string(rt->rtm_dst_len);
  r.via = address_text(rt->rtm_family, attrs.bytes(RTA_GATEWAY));
  if (auto oif = attrs.u32(RTA_OIF)) {
    char name[IF_NAMESIZE] = {};
    if (::if_indextoname(*oif, name) != nullptr) r.device = name;
  }
  r.metric = attrs.u32(RTA_PRIORITY).value_or(0);
  return r;
}

// Sends one RTM_NEWROUTE or RTM_DELROUTE and waits for the kernel's answer.
void change(rtnetlink::Socket& socket, std::uint16_t type, const Route& route,
            std::uint8_t protocol) {
  const Prefix prefix = parse_prefix(route.prefix);
  alignas(nlmsghdr) std::array<char, 512> out{};
  nlmsghdr* nlh = mnl_nlmsg_put_header(out.data());
  nlh->nlmsg_type = type;
  nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
  if (type == RTM_NEWROUTE) nlh->nlmsg_flags |= NLM_F_CREATE | NLM_F_EXCL;
  nlh->nlmsg_seq = socket.next_sequence();
  auto* rt = static_cast<rtmsg*>(mnl_nlmsg_put_extra_header(nlh, sizeof(rtmsg)));
  rt->rtm_family = static_cast<unsigned char>(prefix.family);
  rt->rtm_dst_len = static_cast<unsigned char>(prefix.length);
  rt->rtm_table = RT_TABLE_MAIN;
  rt->rtm_protocol = protocol;
  rt->rtm_type = RTN_UNICAST;
  // A route through a gateway reaches beyond the link; one on a device alone is on it.
  rt->rtm_scope = route.via.empty() ? RT_SCOPE_LINK : RT_SCOPE_UNIVERSE;
  const std::size_t size = prefix.family == AF_INET ? 4 : 16;
  if (prefix.length > 0) mnl_attr_put(nlh, RTA_DST, size, prefix.address);
  if (!route.via.empty()) {
    unsigned char gateway[16] = {};
    ::inet_pton(prefix.family, route.via.c_str(), gateway);
    mnl_attr_put(nlh, RTA_GATEWAY, size, gateway);
  }
  if (!route.device.empty()) {
    const unsigned index = ::if_nametoindex(route.device.c_str());
    if (index == 0) throw std::runtime_error("no device " + route.device);
    mnl_attr_put_u32(nlh, RTA_OIF, index);
  }
  mnl_attr_put_u32(nlh, RTA_PRIORITY, route.metric);
  if (mnl_socket_sendto(socket.get(), nlh, nlh->nlmsg_len) < 0) {
    throw std::system_error(errno, std::generic_category(), "rtnetlink send");
  }
  std::array<char, 8192> in{};
  for (;;) {
    const ssize_t n = mnl_socket_recvfrom(socket.get(), in.data(), in.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      throw std::system_error(errno, std::generic_category(), "rtnetlink receive");
    }
    const int result = mnl_cb_run(in.data(), static_cast<std::size_t>(n), nlh->nlmsg_seq,
                                  socket.portid(), nullptr, nullptr);
    if (result == MNL_CB_ERROR) throw std::system_error(errno, std::generic_category());
    if (result == MNL_CB_STOP) return;
  }
}

}  // namespace

NetlinkBackend::NetlinkBackend(const RouterOptions& options)
    : name_(options.name), netns_(options.netns), protocol_(options.protocol) {}

RouterRoutes NetlinkBackend::read(const RouterRoutes& wanted) {
  RouterRoutes held;
  try {
    rtnetlink::in_netns(netns_, [&] {
      rtnetlink::Socket socket = rtnetlink::Socket::open();
      for (std::uint8_t family : {std::uint8_t{AF_INET}, std::uint8_t{AF_INET6}}) {
        std::vector<Route> routes;
        // An inconsistent dump (the table changed meanwhile) is taken again.
        while (!rtnetlink::dump(socket, {RTM_GETROUTE, family}, [&](const nlmsghdr& msg) {
          if (auto r = own_route(msg, protocol_)) routes.push_back(std::move(*r));
        })) {
          routes.clear();
        }
        held.routes.insert(held.routes.end(), routes.begin(), routes.end());
      }
    });
  } catch (const std::exception& e) {
    throw std::runtime_error("router " + name_ + ": reading its routes: " + e.what());
  }
  // The kernel names the device it resolved a next hop to; a route asked without one is
  // reported without it.
  for (Route& r : held.routes) {
    if (r.via.empty() || r.device.empty()) continue;
    Route asked = r;
    asked.device.clear();
    if (std::find(wanted.routes.begin(), wanted.routes.end(), asked) != wanted.routes.end()) {
      r = std::move(asked);
    }
  }
  std::sort(held.routes.begin(), held.routes.end());
  return held;
}

void NetlinkBackend::apply(const RouterRoutes& held, const RouterRoutes& wanted) {
  const RouteChanges changes = diff(held, wanted);
  if (changes.empty()) return;
  std::string doing;
  try {
    rtnetlink::in_netns(netns_, [&] {
      rtnetlink::Socket socket = rtnetlink::Socket::open();
      for (const Route& r : changes.remove) {
        doing = "removing " + describe(r);
        change(socket, RTM_DELROUTE, r, protocol_);
      }
      for (const Route& r : changes.add) {
        doing = "adding " + describe(r);
        change(socket, RTM_NEWROUTE, r, protocol_);
      }
    });
  } catch (const std::exception& e) {
    throw std::runtime_error("router " + name_ + ": " + (doing.empty() ? "" : doing + ": ") +
                             e.what());
  }
}

}  // namespace mirari::routes
