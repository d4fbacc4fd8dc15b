// The neighbour model: one event per change, and a move reported as one event that says so.
#include <catch2/catch.hpp>

#include "neighbour_model.hpp"

using mirari::arp::Family;
using mirari::arp::InterfaceGone;
using mirari::arp::InterfaceSeen;
using mirari::arp::Neighbour;
using mirari::arp::NeighbourEvent;
using mirari::arp::NeighbourGone;
using mirari::arp::NeighbourModel;
using mirari::arp::NeighbourSeen;
using mirari::arp::NeighbourState;
using mirari::arp::NeighbourTable;
using Kind = mirari::arp::NeighbourEvent::Kind;

namespace {
constexpr const char* kMacA = "02:00:00:00:00:0a";
constexpr const char* kMacB = "02:00:00:00:00:0b";

Neighbour entry(std::string address, std::string mac, int ifindex = 3,
                NeighbourState state = NeighbourState::reachable) {
  Neighbour n;
  n.family = address.find(':') == std::string::npos ? Family::ipv4 : Family::ipv6;
  n.address = std::move(address);
  n.mac = std::move(mac);
  n.ifindex = ifindex;
  n.state = state;
  return n;
}
Neighbour named(Neighbour n, std::string interface) {
  n.interface = std::move(interface);
  return n;
}

struct Model {
  NeighbourModel model;
  std::vector<NeighbourEvent> events;
  Model() { model.apply(InterfaceSeen{3, "eth0"}, events); }
  void seen(const Neighbour& n) { model.apply(NeighbourSeen{n}, events); }
};
}  // namespace

TEST_CASE("entries are added, changed and removed, with their interface's name") {
  Model m;
  m.seen(entry("192.0.2.7", kMacA));
  m.seen(entry("192.0.2.7", kMacA));
  m.seen(entry("192.0.2.7", kMacA, 3, NeighbourState::stale));
  m.model.apply(NeighbourGone{{3, "192.0.2.7"}}, m.events);
  m.model.apply(NeighbourGone{{3, "192.0.2.7"}}, m.events);
  const Neighbour reachable = named(entry("192.0.2.7", kMacA), "eth0");
  const Neighbour stale = named(entry("192.0.2.7", kMacA, 3, NeighbourState::stale), "eth0");
  REQUIRE(m.events.size() == 3);
  CHECK(m.events[0] == NeighbourEvent{Kind::added, std::nullopt, reachable});
  CHECK(m.events[1] == NeighbourEvent{Kind::changed, reachable, stale});
  CHECK(m.events[2] == NeighbourEvent{Kind::removed, stale, std::nullopt});
  CHECK(m.model.table().empty());
}

TEST_CASE("an address that moves to another MAC is one moved event") {
  Model m;
  m.seen(entry("192.0.2.7", kMacA));
  m.seen(entry("192.0.2.7", kMacB));
  REQUIRE(m.events.size() == 2);
  CHECK(m.events[1].kind == Kind::moved);
  CHECK(m.events[1].old_entry->mac == kMacA);
  CHECK(m.events[1].new_entry->mac == kMacB);
  CHECK(m.events[1].new_entry->address == "192.0.2.7");
}

TEST_CASE("a MAC that moves to another address is one moved event naming both") {
  Model m;
  m.seen(entry("192.0.2.7", kMacA));
  m.seen(entry("192.0.2.8", kMacA));
  REQUIRE(m.events.size() == 2);
  CHECK(m.events[1].kind == Kind::moved);
  CHECK(m.events[1].old_entry->address == "192.0.2.7");
  CHECK(m.events[1].new_entry->address == "192.0.2.8");
  CHECK(m.model.table().size() == 2);  // the kernel keeps the old entry until it expires
}

TEST_CASE("an entry resolving to a MAC another address holds is a move") {
  Model m;
  m.seen(entry("192.0.2.7", kMacA));
  m.seen(entry("192.0.2.8", "", 3, NeighbourState::incomplete));
  m.seen(entry("192.0.2.8", kMacA));
  REQUIRE(m.events.size() == 3);
  CHECK(m.events[1].kind == Kind::added);
  CHECK(m.events[2].kind == Kind::moved);
  CHECK(m.events[2].old_entry->address == "192.0.2.7");
}

TEST_CASE("a MAC shared across interfaces or families is not a move") {
  Model m;
  m.seen(entry("192.0.2.7", kMacA));
  m.seen(entry("2001:db8::7", kMacA));
  m.seen(entry("192.0.2.8", kMacA, 4));
  m.seen(entry("192.0.2.9", kMacB));
  for (std::size_t i = 0; i < m.events.size(); ++i) CHECK(m.events[i].kind == Kind::added);
}

TEST_CASE("a removed entry no longer holds its MAC") {
  Model m;
  m.seen(entry("192.0.2.7", kMacA));
  m.model.apply(NeighbourGone{{3, "192.0.2.7"}}, m.events);
  m.seen(entry("192.0.2.8", kMacA));
  CHECK(m.events.back().kind == Kind::added);
}

TEST_CASE("renaming an interface changes its entries, removing it removes them") {
  Model m;
  m.seen(entry("192.0.2.7", kMacA));
  m.seen(entry("192.0.2.8", kMacB));
  m.seen(entry("192.0.2.9", kMacB, 4));
  m.model.apply(InterfaceSeen{3, "uplink0"}, m.events);
  REQUIRE(m.events.size() == 5);
  CHECK(m.events[3].kind == Kind::changed);
  CHECK(m.events[3].old_entry->interface == "eth0");
  CHECK(m.events[3].new_entry->interface == "uplink0");
  m.model.apply(InterfaceGone{3}, m.events);
  REQUIRE(m.events.size() == 7);
  CHECK(m.events[6].kind == Kind::removed);
  CHECK(m.model.table().size() == 1);
}

TEST_CASE("diff reports moves as live following would") {
  const NeighbourTable before{{{3, "192.0.2.7"}, entry("192.0.2.7", kMacA)},
                              {{3, "192.0.2.9"}, entry("192.0.2.9", kMacB)}};
  const NeighbourTable after{{{3, "192.0.2.7"}, entry("192.0.2.7", kMacB)},
                             {{3, "192.0.2.8"}, entry("192.0.2.8", kMacA)}};
  std::vector<NeighbourEvent> events;
  NeighbourModel::diff(before, after, events);
  REQUIRE(events.size() == 3);
  CHECK(events[0].kind == Kind::moved);  // .7 from A to B
  CHECK(events[0].new_entry->address == "192.0.2.7");
  CHECK(events[1].kind == Kind::added);  // .8 with A, which no one holds by then
  CHECK(events[1].new_entry->address == "192.0.2.8");
  CHECK(events[2].kind == Kind::removed);
  CHECK(events[2].old_entry->address == "192.0.2.9");
}
