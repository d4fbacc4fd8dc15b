// The neighbour model: one event per change, and a move reported as one event that says so;
// a change costs its own entries: the version it makes shares all but their paths with the
// one before.
#include <catch2/catch.hpp>

#include <cstdio>

#include "neighbour_model.hpp"
#include "table_sharing.hpp"

using mirari::arp::Family;
using mirari::arp::InterfaceGone;
using mirari::arp::InterfaceSeen;
using mirari::arp::Neighbour;
using mirari::arp::NeighbourEvent;
using mirari::arp::NeighbourGone;
using mirari::arp::NeighbourKey;
using mirari::arp::NeighbourModel;
using mirari::arp::Neighbours;
using mirari::arp::NeighbourSeen;
using mirari::arp::NeighbourState;
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

// The i-th of many entries: an address of 2001:db8::/32 and a MAC of its own.
Neighbour many(int i, int ifindex = 3) {
  char mac[18];
  std::snprintf(mac, sizeof mac, "02:00:00:00:%02x:%02x", (i >> 8) & 0xff, i & 0xff);
  char address[32];
  std::snprintf(address, sizeof address, "2001:db8::%x", i + 1);
  return entry(address, mac, ifindex);
}

constexpr int kLarge = 5000;

// A model holding kLarge entries on interface 3, through the messages that add them.
Model large() {
  Model m;
  for (int i = 0; i < kLarge; ++i) m.seen(many(i));
  REQUIRE(m.model.table().size() == kLarge);
  m.events.clear();
  return m;
}

std::vector<NeighbourKey> keys_of(const std::vector<NeighbourEvent>& events) {
  std::vector<NeighbourKey> keys;
  for (const NeighbourEvent& e : events)
    keys.push_back((e.new_entry ? *e.new_entry : *e.old_entry).key());
  return keys;
}
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

TEST_CASE("an interface renamed or gone changes or removes its entries in address order") {
  Model m;
  m.model.apply(InterfaceSeen{4, "eth1"}, m.events);
  for (const char* address : {"192.0.2.9", "192.0.2.10", "192.0.2.8"})
    m.seen(entry(address, kMacA, 4));
  m.seen(entry("192.0.2.7", kMacA));
  m.events.clear();
  m.model.apply(InterfaceSeen{4, "uplink1"}, m.events);
  m.model.apply(InterfaceGone{4}, m.events);
  REQUIRE(m.events.size() == 6);
  for (std::size_t i = 0; i < 3; ++i) CHECK(m.events[i].kind == Kind::changed);
  for (std::size_t i = 3; i < 6; ++i) CHECK(m.events[i].kind == Kind::removed);
  const std::vector<std::string> order{"192.0.2.10", "192.0.2.8", "192.0.2.9"};
  for (std::size_t i = 0; i < 6; ++i) {
    const Neighbour& n = m.events[i].new_entry ? *m.events[i].new_entry : *m.events[i].old_entry;
    CHECK(n.address == order[i % 3]);
    CHECK(n.interface == "uplink1");
  }
  REQUIRE(m.model.table().size() == 1);
  CHECK(m.model.table().contains({3, "192.0.2.7"}));
}

TEST_CASE("a version taken from the model does not change with it") {
  Model m;
  m.seen(entry("192.0.2.7", kMacA));
  const Neighbours before = m.model.table();
  m.seen(entry("192.0.2.7", kMacA, 3, NeighbourState::stale));
  m.seen(entry("192.0.2.8", kMacB));
  m.model.apply(InterfaceSeen{3, "uplink0"}, m.events);
  CHECK(before.size() == 1);
  CHECK(before.at({3, "192.0.2.7"}) == named(entry("192.0.2.7", kMacA), "eth0"));
  CHECK(m.model.table().size() == 2);
  CHECK(m.model.table().at({3, "192.0.2.7"}).interface == "uplink0");
}

TEST_CASE("one change in a table of 5000 entries is one event and copies only its path") {
  Model m = large();
  const Neighbours before = m.model.table();
  const Neighbour was = named(many(1234), "eth0");
  Neighbour now = was;
  now.state = NeighbourState::stale;
  m.seen(now);

  REQUIRE(m.events.size() == 1);
  CHECK(m.events[0] == NeighbourEvent{Kind::changed, was, now});
  const Neighbours after = m.model.table();
  CHECK(mirari::testing::changed_keys(before, after) == std::vector<NeighbourKey>{now.key()});
  CHECK(mirari::testing::node_count(after) > 100);
  CHECK(mirari::testing::unshared_nodes(before, after) <=
        mirari::testing::path_length(after, now.key()));
  CHECK(before.at(now.key()).state == NeighbourState::reachable);
}

TEST_CASE("an entry added to or removed from a table of 5000 is one event and one path") {
  Model m = large();
  const Neighbours before = m.model.table();
  m.seen(entry("192.0.2.7", kMacA));
  REQUIRE(m.events.size() == 1);
  CHECK(m.events[0].kind == Kind::added);
  const Neighbours added = m.model.table();
  CHECK(mirari::testing::changed_keys(before, added) ==
        std::vector<NeighbourKey>{{3, "192.0.2.7"}});
  // The new key's path includes any node made where it meets an old key.
  CHECK(mirari::testing::unshared_nodes(before, added) <=
        mirari::testing::path_length(added, NeighbourKey{3, "192.0.2.7"}));

  m.model.apply(NeighbourGone{many(42).key()}, m.events);
  REQUIRE(m.events.size() == 2);
  CHECK(m.events[1].kind == Kind::removed);
  const Neighbours removed = m.model.table();
  CHECK(mirari::testing::changed_keys(added, removed) == std::vector<NeighbourKey>{many(42).key()});
  // Removing may merge nodes on the path: the new version's path is no longer than the old.
  CHECK(mirari::testing::unshared_nodes(added, removed) <=
        mirari::testing::path_length(added, many(42).key()));
}

TEST_CASE("renaming or removing a small interface beside 5000 entries touches only its own") {
  Model m = large();
  m.model.apply(InterfaceSeen{7, "eth7"}, m.events);
  for (int i = 0; i < 3; ++i) m.seen(many(i, 7));
  m.events.clear();
  const Neighbours before = m.model.table();

  m.model.apply(InterfaceSeen{7, "uplink7"}, m.events);
  REQUIRE(m.events.size() == 3);
  for (const NeighbourEvent& e : m.events) CHECK(e.kind == Kind::changed);
  const Neighbours renamed = m.model.table();
  std::vector<NeighbourKey> own{many(0, 7).key(), many(1, 7).key(), many(2, 7).key()};
  CHECK_THAT(mirari::testing::changed_keys(before, renamed), Catch::Matchers::UnorderedEquals(own));
  CHECK_THAT(keys_of(m.events), Catch::Matchers::UnorderedEquals(own));
  std::size_t paths = 0;
  for (const NeighbourKey& key : own) paths += mirari::testing::path_length(renamed, key);
  CHECK(mirari::testing::unshared_nodes(before, renamed) <= paths);

  m.events.clear();
  m.model.apply(InterfaceGone{7}, m.events);
  REQUIRE(m.events.size() == 3);
  for (const NeighbourEvent& e : m.events) CHECK(e.kind == Kind::removed);
  CHECK_THAT(keys_of(m.events), Catch::Matchers::UnorderedEquals(own));
  CHECK(m.model.table().size() == kLarge);
  CHECK(mirari::testing::changed_keys(renamed, m.model.table()).size() == 3);
}

TEST_CASE("diff reports moves as live following would") {
  const Neighbours before{{{3, "192.0.2.7"}, entry("192.0.2.7", kMacA)},
                          {{3, "192.0.2.9"}, entry("192.0.2.9", kMacB)}};
  const Neighbours after{{{3, "192.0.2.7"}, entry("192.0.2.7", kMacB)},
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

TEST_CASE("diff reports changes in key order, then removals in key order, however built") {
  // Built in two different orders: the events do not depend on it.
  const std::vector<std::pair<NeighbourKey, Neighbour>> before_entries{
      {{4, "192.0.2.1"}, entry("192.0.2.1", kMacA, 4)},
      {{3, "192.0.2.9"}, entry("192.0.2.9", kMacA)},
      {{3, "192.0.2.10"}, entry("192.0.2.10", kMacB)},
      {{3, "192.0.2.11"}, entry("192.0.2.11", kMacB, 3, NeighbourState::stale)}};
  const std::vector<std::pair<NeighbourKey, Neighbour>> after_entries{
      {{4, "192.0.2.2"}, entry("192.0.2.2", "", 4, NeighbourState::incomplete)},
      {{3, "192.0.2.11"}, entry("192.0.2.11", kMacB)},
      {{3, "192.0.2.3"}, entry("192.0.2.3", "", 3, NeighbourState::incomplete)}};
  std::vector<NeighbourEvent> forward;
  NeighbourModel::diff(Neighbours(before_entries.begin(), before_entries.end()),
                       Neighbours(after_entries.begin(), after_entries.end()), forward);
  std::vector<NeighbourEvent> backward;
  NeighbourModel::diff(Neighbours(before_entries.rbegin(), before_entries.rend()),
                       Neighbours(after_entries.rbegin(), after_entries.rend()), backward);
  CHECK(forward == backward);

  const std::vector<std::pair<Kind, NeighbourKey>> expected{
      {Kind::changed, {3, "192.0.2.11"}}, {Kind::added, {3, "192.0.2.3"}},
      {Kind::added, {4, "192.0.2.2"}},    {Kind::removed, {3, "192.0.2.10"}},
      {Kind::removed, {3, "192.0.2.9"}},  {Kind::removed, {4, "192.0.2.1"}}};
  REQUIRE(forward.size() == expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i) {
    CHECK(forward[i].kind == expected[i].first);
    CHECK(keys_of({forward[i]}).front() == expected[i].second);
  }
}

TEST_CASE("diff of two versions of one model is empty, and of an empty table all additions") {
  Model m = large();
  std::vector<NeighbourEvent> events;
  NeighbourModel::diff(m.model.table(), m.model.table(), events);
  CHECK(events.empty());
  NeighbourModel::diff(Neighbours(), m.model.table(), events);
  CHECK(events.size() == kLarge);
  for (const NeighbourEvent& e : events) CHECK(e.kind == Kind::added);
}
