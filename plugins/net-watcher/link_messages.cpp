#include "link_messages.hpp"

#include <linux/if.h>
#include <linux/if_addr.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>

#include "rtnetlink/address_text.hpp"
#include "rtnetlink/attributes.hpp"

namespace mirari::net {

namespace {

using rtnetlink::Attributes;

OperState oper_state_of(std::uint8_t value) {
  switch (value) {
    case IF_OPER_NOTPRESENT:
      return OperState::not_present;
    case IF_OPER_DOWN:
      return OperState::down;
    case IF_OPER_LOWERLAYERDOWN:
      return OperState::lower_layer_down;
    case IF_OPER_TESTING:
      return OperState::testing;
    case IF_OPER_DORMANT:
      return OperState::dormant;
    case IF_OPER_UP:
      return OperState::up;
    default:
      return OperState::unknown;
  }
}

std::optional<LinkUpdate> read_link(const nlmsghdr& msg) {
  if (mnl_nlmsg_get_payload_len(&msg) < sizeof(ifinfomsg)) return std::nullopt;
  const auto* info = static_cast<const ifinfomsg*>(mnl_nlmsg_get_payload(&msg));
  // Bridges send AF_BRIDGE messages about their ports; an RTM_DELLINK among them only
  // means the link left the bridge.
  if (info->ifi_family != AF_UNSPEC || info->ifi_index <= 0) return std::nullopt;
  if (msg.nlmsg_type == RTM_DELLINK) return LinkGone{info->ifi_index};

  const Attributes<IFLA_MAX> attrs(msg, sizeof(ifinfomsg));
  Link link;
  link.index = info->ifi_index;
  link.up = (info->ifi_flags & IFF_UP) != 0;
  link.name = attrs.string(IFLA_IFNAME).value_or("");
  link.mtu = attrs.u32(IFLA_MTU).value_or(0);
  link.mac = rtnetlink::hardware_address_text(attrs.bytes(IFLA_ADDRESS));
  link.oper_state = oper_state_of(attrs.u8(IFLA_OPERSTATE).value_or(IF_OPER_UNKNOWN));
  link.carrier =
      attrs.u8(IFLA_CARRIER).value_or((info->ifi_flags & IFF_LOWER_UP) != 0 ? 1 : 0) != 0;
  link.kind = Attributes<IFLA_INFO_MAX>::nested(attrs.get(IFLA_LINKINFO))
                  .string(IFLA_INFO_KIND)
                  .value_or("");
  return LinkSeen{std::move(link)};
}

std::optional<LinkUpdate> read_address(const nlmsghdr& msg) {
  if (mnl_nlmsg_get_payload_len(&msg) < sizeof(ifaddrmsg)) return std::nullopt;
  const auto* info = static_cast<const ifaddrmsg*>(mnl_nlmsg_get_payload(&msg));
  const std::optional<Family> family = rtnetlink::family_of(info->ifa_family);
  if (!family || info->ifa_index == 0) return std::nullopt;

  const Attributes<IFA_MAX> attrs(msg, sizeof(ifaddrmsg));
  // On a point-to-point link IFA_ADDRESS is the peer's and IFA_LOCAL our own; elsewhere
  // IFA_LOCAL is absent (IPv6) or the same.
  auto bytes = attrs.bytes(IFA_LOCAL);
  if (bytes.empty()) bytes = attrs.bytes(IFA_ADDRESS);
  std::optional<std::string> text = rtnetlink::ip_address_text(*family, bytes);
  if (!text) return std::nullopt;

  const int index = static_cast<int>(info->ifa_index);
  Address address{*family, std::move(*text), info->ifa_prefixlen};
  if (msg.nlmsg_type == RTM_DELADDR) return AddressGone{index, std::move(address)};
  return AddressSeen{index, std::move(address)};
}

}  // namespace

std::optional<LinkUpdate> read_link_message(const nlmsghdr& msg) {
  switch (msg.nlmsg_type) {
    case RTM_NEWLINK:
    case RTM_DELLINK:
      return read_link(msg);
    case RTM_NEWADDR:
    case RTM_DELADDR:
      return read_address(msg);
    default:
      return std::nullopt;
  }
}

}  // namespace mirari::net
