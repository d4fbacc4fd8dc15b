#include "neighbour_messages.hpp"

#include <linux/if_link.h>
#include <linux/neighbour.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>

#include "rtnetlink/address_text.hpp"
#include "rtnetlink/attributes.hpp"

namespace mirari::arp {

namespace {

using rtnetlink::Attributes;

// NUD states are bits; the kernel sets one, and a combination reads as its strongest.
NeighbourState state_of(std::uint16_t nud) {
  if ((nud & NUD_PERMANENT) != 0) return NeighbourState::permanent;
  if ((nud & NUD_REACHABLE) != 0) return NeighbourState::reachable;
  if ((nud & NUD_DELAY) != 0) return NeighbourState::delay;
  if ((nud & NUD_PROBE) != 0) return NeighbourState::probe;
  if ((nud & NUD_STALE) != 0) return NeighbourState::stale;
  if ((nud & NUD_INCOMPLETE) != 0) return NeighbourState::incomplete;
  if ((nud & NUD_FAILED) != 0) return NeighbourState::failed;
  return NeighbourState::none;
}

std::optional<NeighbourUpdate> read_neighbour(const nlmsghdr& msg) {
  if (mnl_nlmsg_get_payload_len(&msg) < sizeof(ndmsg)) return std::nullopt;
  const auto* info = static_cast<const ndmsg*>(mnl_nlmsg_get_payload(&msg));
  const std::optional<Family> family = rtnetlink::family_of(info->ndm_family);
  if (!family || info->ndm_ifindex <= 0) return std::nullopt;

  const Attributes<NDA_MAX> attrs(msg, sizeof(ndmsg));
  std::optional<std::string> address = rtnetlink::ip_address_text(*family, attrs.bytes(NDA_DST));
  if (!address) return std::nullopt;
  NeighbourKey key{info->ndm_ifindex, std::move(*address)};
  if (msg.nlmsg_type == RTM_DELNEIGH || (info->ndm_flags & NTF_PROXY) != 0 ||
      (info->ndm_state & NUD_NOARP) != 0) {
    return NeighbourGone{std::move(key)};
  }

  Neighbour entry;
  entry.family = *family;
  entry.address = std::move(key.address);
  entry.ifindex = key.ifindex;
  entry.mac = rtnetlink::hardware_address_text(attrs.bytes(NDA_LLADDR));
  entry.state = state_of(info->ndm_state);
  return NeighbourSeen{std::move(entry)};
}

std::optional<NeighbourUpdate> read_link(const nlmsghdr& msg) {
  if (mnl_nlmsg_get_payload_len(&msg) < sizeof(ifinfomsg)) return std::nullopt;
  const auto* info = static_cast<const ifinfomsg*>(mnl_nlmsg_get_payload(&msg));
  // A bridge's AF_BRIDGE messages are about its ports, not about the links themselves.
  if (info->ifi_family != AF_UNSPEC || info->ifi_index <= 0) return std::nullopt;
  if (msg.nlmsg_type == RTM_DELLINK) return InterfaceGone{info->ifi_index};
  const Attributes<IFLA_MAX> attrs(msg, sizeof(ifinfomsg));
  std::optional<std::string> name = attrs.string(IFLA_IFNAME);
  if (!name) return std::nullopt;
  return InterfaceSeen{info->ifi_index, std::move(*name)};
}

}  // namespace

std::optional<NeighbourUpdate> read_neighbour_message(const nlmsghdr& msg) {
  switch (msg.nlmsg_type) {
    case RTM_NEWNEIGH:
    case RTM_DELNEIGH:
      return read_neighbour(msg);
    case RTM_NEWLINK:
    case RTM_DELLINK:
      return read_link(msg);
    default:
      return std::nullopt;
  }
}

}  // namespace mirari::arp
