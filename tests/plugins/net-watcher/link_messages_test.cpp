// Reading link and address messages: what the kernel says, and only that.
#include <linux/if.h>
#include <linux/if_addr.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>

#include <catch2/catch.hpp>

#include "link_messages.hpp"
#include "netlink_message.hpp"

using mirari::net::AddressGone;
using mirari::net::AddressSeen;
using mirari::net::Family;
using mirari::net::LinkGone;
using mirari::net::LinkSeen;
using mirari::net::OperState;
using mirari::net::read_link_message;
using mirari::testing::NetlinkMessage;

namespace {
ifinfomsg link_header(int index, unsigned flags = IFF_UP | IFF_LOWER_UP,
                      unsigned char family = AF_UNSPEC) {
  ifinfomsg h{};
  h.ifi_family = family;
  h.ifi_index = index;
  h.ifi_flags = flags;
  return h;
}
ifaddrmsg address_header(int index, unsigned char family, unsigned char prefix) {
  ifaddrmsg h{};
  h.ifa_family = family;
  h.ifa_index = static_cast<unsigned>(index);
  h.ifa_prefixlen = prefix;
  return h;
}
}  // namespace

TEST_CASE("a link message gives the link's attributes") {
  NetlinkMessage msg(RTM_NEWLINK, link_header(7));
  msg.string(IFLA_IFNAME, "eth0")
      .u32(IFLA_MTU, 9000)
      .bytes(IFLA_ADDRESS, {0x02, 0x00, 0x5e, 0x10, 0x00, 0x01})
      .u8(IFLA_OPERSTATE, IF_OPER_UP)
      .u8(IFLA_CARRIER, 1)
      .nested_string(IFLA_LINKINFO, IFLA_INFO_KIND, "veth");
  auto update = read_link_message(msg.get());
  REQUIRE(update);
  const auto& link = std::get<LinkSeen>(*update).link;
  CHECK(link.index == 7);
  CHECK(link.name == "eth0");
  CHECK(link.mtu == 9000);
  CHECK(link.mac == "02:00:5e:10:00:01");
  CHECK(link.oper_state == OperState::up);
  CHECK(link.up);
  CHECK(link.carrier);
  CHECK(link.kind == "veth");
  CHECK(link.addresses.empty());
  CHECK_FALSE(link.speed_mbps);
}

TEST_CASE("unknown and malformed link attributes are ignored") {
  NetlinkMessage msg(RTM_NEWLINK, link_header(3, 0));
  msg.string(IFLA_IFNAME, "veth1")
      .u32(0x3ff0, 42)                  // a type no kernel uses yet
      .u16(IFLA_MTU, 1500)              // a u32 attribute two bytes long
      .bytes(IFLA_OPERSTATE, {})        // a u8 attribute with no payload
      .bytes(IFLA_LINKINFO, {1, 2, 3})  // a nest holding garbage
      .truncated_attribute(IFLA_CARRIER, 200);
  auto update = read_link_message(msg.get());
  REQUIRE(update);
  const auto& link = std::get<LinkSeen>(*update).link;
  CHECK(link.name == "veth1");
  CHECK(link.mtu == 0);
  CHECK(link.oper_state == OperState::unknown);
  CHECK(link.kind.empty());
  CHECK_FALSE(link.up);
  CHECK_FALSE(link.carrier);
}

TEST_CASE("an interface name without its terminating NUL is ignored") {
  NetlinkMessage msg(RTM_NEWLINK, link_header(3));
  msg.bytes(IFLA_IFNAME, {'e', 't', 'h'});
  auto update = read_link_message(msg.get());
  REQUIRE(update);
  CHECK(std::get<LinkSeen>(*update).link.name.empty());
}

TEST_CASE("carrier falls back to the lower-up flag when the attribute is missing") {
  NetlinkMessage up(RTM_NEWLINK, link_header(4, IFF_UP | IFF_LOWER_UP));
  NetlinkMessage down(RTM_NEWLINK, link_header(4, IFF_UP));
  CHECK(std::get<LinkSeen>(*read_link_message(up.get())).link.carrier);
  CHECK_FALSE(std::get<LinkSeen>(*read_link_message(down.get())).link.carrier);
}

TEST_CASE("a deleted link is reported by its index") {
  NetlinkMessage msg(RTM_DELLINK, link_header(9));
  auto update = read_link_message(msg.get());
  REQUIRE(update);
  CHECK(std::get<LinkGone>(*update).index == 9);
}

TEST_CASE("a bridge's view of its port is not a link") {
  NetlinkMessage added(RTM_NEWLINK, link_header(5, IFF_UP, AF_BRIDGE));
  NetlinkMessage left(RTM_DELLINK, link_header(5, IFF_UP, AF_BRIDGE));
  added.string(IFLA_IFNAME, "port0");
  CHECK_FALSE(read_link_message(added.get()));
  CHECK_FALSE(read_link_message(left.get()));
}

TEST_CASE("a message too short for its header is ignored") {
  struct Short {
    std::uint8_t family;
  };
  NetlinkMessage msg(RTM_NEWLINK, Short{AF_UNSPEC});
  CHECK_FALSE(read_link_message(msg.get()));
  NetlinkMessage address(RTM_NEWADDR, Short{AF_INET});
  CHECK_FALSE(read_link_message(address.get()));
}

TEST_CASE("address messages give the family, the address and the prefix length") {
  NetlinkMessage v4(RTM_NEWADDR, address_header(3, AF_INET, 24));
  v4.bytes(IFA_ADDRESS, {192, 0, 2, 1}).bytes(IFA_LOCAL, {192, 0, 2, 1});
  auto seen = std::get<AddressSeen>(*read_link_message(v4.get()));
  CHECK(seen.index == 3);
  CHECK(seen.address.family == Family::ipv4);
  CHECK(seen.address.address == "192.0.2.1");
  CHECK(seen.address.prefix_length == 24);

  NetlinkMessage v6(RTM_DELADDR, address_header(3, AF_INET6, 64));
  v6.bytes(IFA_ADDRESS, {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1});
  auto gone = std::get<AddressGone>(*read_link_message(v6.get()));
  CHECK(gone.address.family == Family::ipv6);
  CHECK(gone.address.address == "2001:db8::1");
  CHECK(gone.address.prefix_length == 64);
}

TEST_CASE("on a point-to-point link the local address is the link's, not the peer's") {
  NetlinkMessage msg(RTM_NEWADDR, address_header(6, AF_INET, 32));
  msg.bytes(IFA_ADDRESS, {198, 51, 100, 2}).bytes(IFA_LOCAL, {198, 51, 100, 1});
  CHECK(std::get<AddressSeen>(*read_link_message(msg.get())).address.address == "198.51.100.1");
}

TEST_CASE("an address of the wrong size or another family is ignored") {
  NetlinkMessage wrong_size(RTM_NEWADDR, address_header(3, AF_INET, 24));
  wrong_size.bytes(IFA_ADDRESS, {192, 0, 2});
  CHECK_FALSE(read_link_message(wrong_size.get()));
  NetlinkMessage other_family(RTM_NEWADDR, address_header(3, AF_PACKET, 0));
  other_family.bytes(IFA_ADDRESS, {1, 2, 3, 4});
  CHECK_FALSE(read_link_message(other_family.get()));
  NetlinkMessage missing(RTM_NEWADDR, address_header(3, AF_INET, 24));
  CHECK_FALSE(read_link_message(missing.get()));
}

TEST_CASE("other message types are not about links") {
  rtmsg route{};
  route.rtm_family = AF_INET;
  NetlinkMessage msg(RTM_NEWROUTE, route);
  CHECK_FALSE(read_link_message(msg.get()));
}
