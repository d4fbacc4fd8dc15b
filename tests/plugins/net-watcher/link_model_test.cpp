// The link model: one event per change, with the link before and after it.
#include <catch2/catch.hpp>

#include <algorithm>

#include "link_model.hpp"

using mirari::net::Address;
using mirari::net::AddressGone;
using mirari::net::AddressSeen;
using mirari::net::Family;
using mirari::net::Link;
using mirari::net::LinkEvent;
using mirari::net::LinkGone;
using mirari::net::LinkModel;
using mirari::net::Links;
using mirari::net::LinkSeen;
using Kind = mirari::net::LinkEvent::Kind;

namespace {
Link link(int index, std::string name, std::uint32_t mtu = 1500) {
  Link l;
  l.index = index;
  l.name = std::move(name);
  l.kind = "veth";
  l.mtu = mtu;
  return l;
}
const Address kV4{Family::ipv4, "192.0.2.1", 24};
const Address kV6{Family::ipv6, "2001:db8::1", 64};
}  // namespace

TEST_CASE("a new link is added, a different one changed, the same one nothing") {
  LinkModel model;
  std::vector<LinkEvent> events;
  model.apply(LinkSeen{link(3, "a")}, events);
  model.apply(LinkSeen{link(3, "a")}, events);
  model.apply(LinkSeen{link(3, "b")}, events);
  REQUIRE(events.size() == 2);
  CHECK(events[0] == LinkEvent{Kind::added, std::nullopt, link(3, "a")});
  CHECK(events[1] == LinkEvent{Kind::changed, link(3, "a"), link(3, "b")});
  CHECK(model.table() == Links{{3, link(3, "b")}});
}

TEST_CASE("a removed link takes its addresses with it") {
  LinkModel model;
  std::vector<LinkEvent> events;
  model.apply(LinkSeen{link(3, "a")}, events);
  model.apply(AddressSeen{3, kV4}, events);
  model.apply(LinkGone{3}, events);
  model.apply(LinkGone{3}, events);
  REQUIRE(events.size() == 3);
  Link with_address = link(3, "a");
  with_address.addresses = {kV4};
  CHECK(events[2] == LinkEvent{Kind::removed, with_address, std::nullopt});
  CHECK(model.table().empty());
}

TEST_CASE("addresses are kept sorted and each change is one event") {
  LinkModel model;
  std::vector<LinkEvent> events;
  model.apply(LinkSeen{link(3, "a")}, events);
  model.apply(AddressSeen{3, kV6}, events);
  model.apply(AddressSeen{3, kV4}, events);
  model.apply(AddressSeen{3, kV4}, events);
  CHECK(events.size() == 3);
  CHECK(model.table().at(3).addresses == std::vector<Address>{kV4, kV6});
  model.apply(AddressGone{3, kV4}, events);
  model.apply(AddressGone{3, kV4}, events);
  REQUIRE(events.size() == 4);
  CHECK(events[3].old_link->addresses == std::vector<Address>{kV4, kV6});
  CHECK(events[3].new_link->addresses == std::vector<Address>{kV6});
}

TEST_CASE("a link message keeps the addresses already known") {
  LinkModel model;
  std::vector<LinkEvent> events;
  model.apply(LinkSeen{link(3, "a")}, events);
  model.apply(AddressSeen{3, kV4}, events);
  model.apply(LinkSeen{link(3, "a", 1400)}, events);
  CHECK(model.table().at(3).addresses == std::vector<Address>{kV4});
  CHECK(model.table().at(3).mtu == 1400);
}

TEST_CASE("addresses seen before their link join it when it appears") {
  LinkModel model;
  std::vector<LinkEvent> events;
  model.apply(AddressSeen{4, kV4}, events);
  CHECK(events.empty());
  model.apply(LinkSeen{link(4, "b")}, events);
  REQUIRE(events.size() == 1);
  CHECK(events[0].new_link->addresses == std::vector<Address>{kV4});
}

TEST_CASE("speed is asked only of links that are up with a carrier") {
  std::vector<std::string> asked;
  LinkModel model([&](const std::string& name) {
    asked.push_back(name);
    return std::optional<std::uint32_t>(10000);
  });
  std::vector<LinkEvent> events;
  Link down = link(3, "a");
  model.apply(LinkSeen{down}, events);
  CHECK_FALSE(model.table().at(3).speed_mbps);
  Link up = down;
  up.up = true;
  up.carrier = true;
  model.apply(LinkSeen{up}, events);
  CHECK(model.table().at(3).speed_mbps == 10000u);
  CHECK(asked == std::vector<std::string>{"a"});
}

TEST_CASE("diff gives the events from one table to another, one per changed link") {
  const Links before{{1, link(1, "lo")}, {2, link(2, "a")}, {3, link(3, "b")}};
  const Links after{{1, link(1, "lo")}, {3, link(3, "b", 9000)}, {4, link(4, "c")}};
  std::vector<LinkEvent> events;
  LinkModel::diff(before, after, events);
  REQUIRE(events.size() == 3);
  CHECK(std::count(events.begin(), events.end(),
                   LinkEvent{Kind::removed, link(2, "a"), std::nullopt}) == 1);
  CHECK(std::count(events.begin(), events.end(),
                   LinkEvent{Kind::changed, link(3, "b"), link(3, "b", 9000)}) == 1);
  CHECK(std::count(events.begin(), events.end(),
                   LinkEvent{Kind::added, std::nullopt, link(4, "c")}) == 1);
}

TEST_CASE("a link's change shares all but one path with the table before it") {
  LinkModel model;
  std::vector<LinkEvent> events;
  for (int index = 1; index <= 5000; ++index) model.apply(LinkSeen{link(index, "v")}, events);
  const Links before = model.table();
  events.clear();

  model.apply(LinkSeen{link(2500, "v", 9000)}, events);
  const Links after = model.table();

  CHECK(events == std::vector<LinkEvent>{{Kind::changed, link(2500, "v"), link(2500, "v", 9000)}});
  CHECK(before.at(2500).mtu == 1500u);  // the published version is untouched
  int differing = 0;
  mirari::diff(before, after, [&](const int&, const Link*, const Link*) { ++differing; });
  CHECK(differing == 1);
}

TEST_CASE("a fresh model keeps the settings and none of the state") {
  int asked = 0;
  LinkModel model([&](const std::string&) {
    ++asked;
    return std::optional<std::uint32_t>();
  });
  std::vector<LinkEvent> events;
  model.apply(LinkSeen{link(3, "a")}, events);
  LinkModel fresh = model.fresh();
  CHECK(fresh.table().empty());
  Link up = link(3, "a");
  up.up = up.carrier = true;
  fresh.apply(LinkSeen{up}, events);
  CHECK(asked == 1);
}
