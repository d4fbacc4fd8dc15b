// Reading neighbour messages: entries as the kernel states them, and only those.
#include <linux/if_link.h>
#include <linux/neighbour.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>

#include <catch2/catch.hpp>

#include "neighbour_messages.hpp"
#include "netlink_message.hpp"

using mirari::arp::Family;
using mirari::arp::InterfaceGone;
using mirari::arp::InterfaceSeen;
using mirari::arp::NeighbourGone;
using mirari::arp::NeighbourKey;
using mirari::arp::NeighbourSeen;
using mirari::arp::NeighbourState;
using mirari::arp::read_neighbour_message;
using mirari::testing::NetlinkMessage;

namespace {
ndmsg neighbour_header(int ifindex, std::uint16_t state, unsigned char family = AF_INET,
                       std::uint8_t flags = 0) {
  ndmsg h{};
  h.ndm_family = family;
  h.ndm_ifindex = ifindex;
  h.ndm_state = state;
  h.ndm_flags = flags;
  return h;
}
}  // namespace

TEST_CASE("a neighbour message gives the address, MAC, interface and state") {
  NetlinkMessage msg(RTM_NEWNEIGH, neighbour_header(3, NUD_REACHABLE));
  msg.bytes(NDA_DST, {192, 0, 2, 7}).bytes(NDA_LLADDR, {0x02, 0, 0x5e, 0x10, 0, 0x07});
  auto update = read_neighbour_message(msg.get());
  REQUIRE(update);
  const auto& entry = std::get<NeighbourSeen>(*update).entry;
  CHECK(entry.family == Family::ipv4);
  CHECK(entry.address == "192.0.2.7");
  CHECK(entry.mac == "02:00:5e:10:00:07");
  CHECK(entry.ifindex == 3);
  CHECK(entry.interface.empty());
  CHECK(entry.state == NeighbourState::reachable);
}

TEST_CASE("an IPv6 entry still being resolved has no MAC") {
  NetlinkMessage msg(RTM_NEWNEIGH, neighbour_header(4, NUD_INCOMPLETE, AF_INET6));
  msg.bytes(NDA_DST, {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 7});
  const auto entry = std::get<NeighbourSeen>(*read_neighbour_message(msg.get())).entry;
  CHECK(entry.family == Family::ipv6);
  CHECK(entry.address == "2001:db8::7");
  CHECK(entry.mac.empty());
  CHECK(entry.state == NeighbourState::incomplete);
}

TEST_CASE("every NUD state has its name") {
  const std::vector<std::pair<std::uint16_t, NeighbourState>> states{
      {NUD_INCOMPLETE, NeighbourState::incomplete}, {NUD_REACHABLE, NeighbourState::reachable},
      {NUD_STALE, NeighbourState::stale},           {NUD_DELAY, NeighbourState::delay},
      {NUD_PROBE, NeighbourState::probe},           {NUD_FAILED, NeighbourState::failed},
      {NUD_PERMANENT, NeighbourState::permanent},   {NUD_NONE, NeighbourState::none}};
  for (const auto& [nud, state] : states) {
    NetlinkMessage msg(RTM_NEWNEIGH, neighbour_header(3, nud));
    msg.bytes(NDA_DST, {192, 0, 2, 7});
    CHECK(std::get<NeighbourSeen>(*read_neighbour_message(msg.get())).entry.state == state);
  }
}

TEST_CASE("deleted, NOARP and proxy entries are reported gone") {
  NetlinkMessage deleted(RTM_DELNEIGH, neighbour_header(3, NUD_STALE));
  NetlinkMessage noarp(RTM_NEWNEIGH, neighbour_header(3, NUD_NOARP));
  NetlinkMessage proxy(RTM_NEWNEIGH, neighbour_header(3, NUD_PERMANENT, AF_INET, NTF_PROXY));
  for (NetlinkMessage* msg : {&deleted, &noarp, &proxy}) {
    msg->bytes(NDA_DST, {192, 0, 2, 7});
    auto update = read_neighbour_message(msg->get());
    REQUIRE(update);
    CHECK(std::get<NeighbourGone>(*update).key == NeighbourKey{3, "192.0.2.7"});
  }
}

TEST_CASE("unknown and malformed neighbour attributes are ignored") {
  NetlinkMessage msg(RTM_NEWNEIGH, neighbour_header(3, NUD_STALE));
  msg.u32(0x3ff0, 1)
      .bytes(NDA_DST, {198, 51, 100, 9})
      .bytes(NDA_CACHEINFO, {1, 2})
      .bytes(NDA_LLADDR, {0x02, 0, 0, 0, 0, 0x09})
      .truncated_attribute(NDA_PROBES, 100);
  const auto entry = std::get<NeighbourSeen>(*read_neighbour_message(msg.get())).entry;
  CHECK(entry.address == "198.51.100.9");
  CHECK(entry.mac == "02:00:00:00:00:09");
}

TEST_CASE("entries without a readable address, of other families, or too short are ignored") {
  NetlinkMessage no_address(RTM_NEWNEIGH, neighbour_header(3, NUD_STALE));
  NetlinkMessage short_address(RTM_NEWNEIGH, neighbour_header(3, NUD_STALE));
  short_address.bytes(NDA_DST, {192, 0, 2});
  NetlinkMessage bridge(RTM_NEWNEIGH, neighbour_header(3, NUD_PERMANENT, AF_BRIDGE));
  bridge.bytes(NDA_LLADDR, {0x02, 0, 0, 0, 0, 1});
  struct Short {
    std::uint8_t family;
  };
  NetlinkMessage truncated(RTM_NEWNEIGH, Short{AF_INET});
  for (NetlinkMessage* msg : {&no_address, &short_address, &bridge, &truncated}) {
    CHECK_FALSE(read_neighbour_message(msg->get()));
  }
}

TEST_CASE("link messages give the interface names entries show") {
  ifinfomsg link{};
  link.ifi_family = AF_UNSPEC;
  link.ifi_index = 5;
  NetlinkMessage seen(RTM_NEWLINK, link);
  seen.string(IFLA_IFNAME, "eth1");
  const auto named = std::get<InterfaceSeen>(*read_neighbour_message(seen.get()));
  CHECK(named.ifindex == 5);
  CHECK(named.name == "eth1");
  NetlinkMessage gone(RTM_DELLINK, link);
  CHECK(std::get<InterfaceGone>(*read_neighbour_message(gone.get())).ifindex == 5);
  link.ifi_family = AF_BRIDGE;
  NetlinkMessage port(RTM_DELLINK, link);
  CHECK_FALSE(read_neighbour_message(port.get()));
}
