// The ARP watcher against a real kernel: permanent neighbour entries in a namespace of the
// test's own, changed with `ip neigh` (no traffic is needed or sent), seen in the table and
// as events.
#include <catch2/catch.hpp>

#include "arp_watcher.hpp"
#include "graph_loop.hpp"
#include "mirari/combinators.hpp"
#include "neighbour_segment.hpp"
#include "rtnetlink/netns.hpp"

using mirari::arp::ArpWatcher;
using mirari::arp::Family;
using mirari::arp::Neighbour;
using mirari::arp::NeighbourEvent;
using mirari::arp::NeighbourKey;
using mirari::arp::Neighbours;
using mirari::arp::NeighbourState;
using mirari::testing::GraphLoop;
using mirari::testing::NeighbourSegment;
using Kind = mirari::arp::NeighbourEvent::Kind;

namespace {

constexpr const char* kMacA = "02:00:5e:00:00:0a";
constexpr const char* kMacB = "02:00:5e:00:00:0b";

// A watcher of one namespace, its output sources, and what it emitted.
struct Watch {
  Watch(GraphLoop& loop, const std::string& netns, int receive_buffer = 0)
      : watcher(loop.executor(), {netns, receive_buffer, {}}),
        initial(watcher.table()),
        table(loop.graph().source<Neighbours>(watcher.table())),
        events(loop.graph().event_source<std::vector<NeighbourEvent>>()) {
    mirari::observe(events.event(), [seen = seen](const std::vector<NeighbourEvent>& batch) {
      seen->insert(seen->end(), batch.begin(), batch.end());
    });
    watcher.follow({loop.graph(), table, events});
  }

  const Neighbour* find(const std::string& address) const {
    for (const auto& [key, entry] : table.value()) {
      if (entry.address == address) return &entry;
    }
    return nullptr;
  }
  // The events about an address, as old or new entry.
  std::vector<NeighbourEvent> events_of(const std::string& address) const {
    std::vector<NeighbourEvent> of;
    for (const auto& e : *seen) {
      if ((e.old_entry && e.old_entry->address == address) ||
          (e.new_entry && e.new_entry->address == address)) {
        of.push_back(e);
      }
    }
    return of;
  }
  // The initial table with every event applied: must be the table itself.
  Neighbours replayed() const {
    Neighbours replay = initial;
    for (const auto& e : *seen) {
      if (e.kind == Kind::removed) {
        replay = replay.erase(e.old_entry->key());
      } else {
        replay = replay.set(e.new_entry->key(), *e.new_entry);
      }
    }
    return replay;
  }

  ArpWatcher watcher;
  Neighbours initial;
  mirari::Source<Neighbours> table;
  mirari::EventSource<std::vector<NeighbourEvent>> events;
  std::shared_ptr<std::vector<NeighbourEvent>> seen =
      std::make_shared<std::vector<NeighbourEvent>>();
};

}  // namespace

TEST_CASE("an ARP watcher started late begins with the entries that exist") {
  NeighbourSegment segment;
  segment.neigh("add", "192.0.2.7", kMacA);
  segment.neigh("add", "2001:db8::7", kMacB);
  GraphLoop loop;
  Watch watch(loop, segment.ns.name());

  REQUIRE(watch.table.value().size() == 2);
  const Neighbour* v4 = watch.find("192.0.2.7");
  REQUIRE(v4 != nullptr);
  CHECK(v4->family == Family::ipv4);
  CHECK(v4->mac == kMacA);
  CHECK(v4->interface == "va");
  CHECK(v4->state == NeighbourState::permanent);
  const Neighbour* v6 = watch.find("2001:db8::7");
  REQUIRE(v6 != nullptr);
  CHECK(v6->family == Family::ipv6);
  CHECK(v6->mac == kMacB);
  CHECK(v6->ifindex == v4->ifindex);
  CHECK(watch.seen->empty());
}

TEST_CASE("entries added, changed and deleted show in the table and as events") {
  NeighbourSegment segment;
  GraphLoop loop;
  Watch watch(loop, segment.ns.name());

  segment.neigh("add", "198.51.100.10", kMacA);
  REQUIRE(loop.run_until([&] { return watch.find("198.51.100.10") != nullptr; }));
  CHECK(watch.find("198.51.100.10")->state == NeighbourState::permanent);

  segment.ns.ip({"neigh", "change", "198.51.100.10", "lladdr", kMacA, "dev", "va", "nud", "stale"});
  REQUIRE(
      loop.run_until([&] { return watch.find("198.51.100.10")->state == NeighbourState::stale; }));

  segment.ns.ip({"neigh", "del", "198.51.100.10", "dev", "va"});
  REQUIRE(loop.run_until([&] { return watch.find("198.51.100.10") == nullptr; }));

  // Deleting an entry that is not permanent first marks it failed (without a MAC), as
  // the kernel tells, then removes it.
  auto events = watch.events_of("198.51.100.10");
  REQUIRE(events.size() == 4);
  CHECK(events[0].kind == Kind::added);
  CHECK(events[1].kind == Kind::changed);
  CHECK(events[1].old_entry->state == NeighbourState::permanent);
  CHECK(events[1].new_entry->state == NeighbourState::stale);
  CHECK(events[2].kind == Kind::changed);
  CHECK(events[2].new_entry->state == NeighbourState::failed);
  CHECK(events[3].kind == Kind::removed);
  CHECK(watch.replayed() == watch.table.value());
}

TEST_CASE("an address moving to another MAC is one moved event") {
  NeighbourSegment segment;
  segment.neigh("add", "192.0.2.7", kMacA);
  segment.neigh("add", "2001:db8::7", kMacA);
  GraphLoop loop;
  Watch watch(loop, segment.ns.name());

  segment.neigh("change", "192.0.2.7", kMacB);
  segment.neigh("replace", "2001:db8::7", kMacB);
  REQUIRE(loop.run_until([&] {
    return watch.find("192.0.2.7")->mac == kMacB && watch.find("2001:db8::7")->mac == kMacB;
  }));
  for (const char* address : {"192.0.2.7", "2001:db8::7"}) {
    auto events = watch.events_of(address);
    REQUIRE(events.size() == 1);
    CHECK(events[0].kind == Kind::moved);
    CHECK(events[0].old_entry->mac == kMacA);
    CHECK(events[0].new_entry->mac == kMacB);
  }
}

TEST_CASE("a MAC moving to another address is one moved event naming both") {
  NeighbourSegment segment;
  segment.neigh("add", "203.0.113.5", kMacA);
  GraphLoop loop;
  Watch watch(loop, segment.ns.name());

  segment.neigh("add", "203.0.113.6", kMacA);
  REQUIRE(loop.run_until([&] { return watch.find("203.0.113.6") != nullptr; }));
  REQUIRE(watch.seen->size() == 1);
  const NeighbourEvent& move = watch.seen->front();
  CHECK(move.kind == Kind::moved);
  CHECK(move.old_entry->address == "203.0.113.5");
  CHECK(move.new_entry->address == "203.0.113.6");
  CHECK(move.new_entry->mac == kMacA);

  // The old entry stays until it goes, which is a removal of its own.
  segment.ns.ip({"neigh", "del", "203.0.113.5", "dev", "va"});
  REQUIRE(loop.run_until([&] { return watch.find("203.0.113.5") == nullptr; }));
  CHECK(watch.seen->back().kind == Kind::removed);
  CHECK(watch.replayed() == watch.table.value());
}

TEST_CASE("renaming the interface renames its entries, deleting it removes them") {
  NeighbourSegment segment;
  segment.neigh("add", "192.0.2.7", kMacA);
  GraphLoop loop;
  Watch watch(loop, segment.ns.name());

  segment.ns.ip({"link", "set", "va", "down"});
  segment.ns.ip({"link", "set", "va", "name", "uplink0"});
  segment.ns.ip({"link", "set", "uplink0", "up"});
  segment.ns.ip(
      {"neigh", "replace", "192.0.2.7", "lladdr", kMacA, "dev", "uplink0", "nud", "permanent"});
  REQUIRE(loop.run_until([&] {
    const Neighbour* n = watch.find("192.0.2.7");
    return n != nullptr && n->interface == "uplink0";
  }));
  segment.ns.ip({"link", "del", "uplink0"});
  REQUIRE(loop.run_until([&] { return watch.table.value().empty(); }));
  CHECK(watch.seen->back().kind == Kind::removed);
  CHECK(watch.replayed() == watch.table.value());
}

TEST_CASE("after lost neighbour notifications the table ends exact") {
  NeighbourSegment segment;
  GraphLoop loop;
  Watch watch(loop, segment.ns.name(), 4096);
  std::string burst;
  auto mac = [](int i) {
    char text[18];
    std::snprintf(text, sizeof text, "02:00:5e:00:%02x:%02x", (i >> 8) & 0xff, i & 0xff);
    return std::string(text);
  };
  for (int i = 0; i < 5000; ++i) {
    const std::string address = "198.51.100." + std::to_string(1 + i % 200);
    burst += "neigh replace " + address + " lladdr " + mac(i) + " dev va nud permanent\n";
  }
  for (int i = 101; i <= 200; ++i)
    burst += "neigh del 198.51.100." + std::to_string(i) + " dev va\n";
  segment.ns.ip_batch(burst);

  REQUIRE(loop.run_until([&] {
    const Neighbour* last = watch.find("198.51.100.100");
    return watch.table.value().size() == 100 && last != nullptr && last->mac == mac(4899);
  }));
  CHECK(watch.watcher.stats().overruns >= 1);
  CHECK(watch.watcher.stats().resyncs >= 1);
  for (int i = 101; i <= 200; ++i) CHECK(watch.find("198.51.100." + std::to_string(i)) == nullptr);
  ArpWatcher fresh(loop.executor(), {segment.ns.name(), 0, {}});
  CHECK(watch.table.value() == fresh.table());
  CHECK(watch.replayed() == watch.table.value());
}

TEST_CASE("an ARP watcher refuses a namespace that does not exist") {
  GraphLoop loop;
  CHECK_THROWS_AS(ArpWatcher(loop.executor(), {"mirari-test-no-such-namespace", 0, {}}),
                  mirari::rtnetlink::NetnsError);
}
