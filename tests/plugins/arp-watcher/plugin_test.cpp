// The ARP watcher as mirarid runs it, through the SDK's plugin harness: ports, library
// export, reload.
#include <catch2/catch.hpp>

#include <chrono>

#include "arp_watcher_plugin.hpp"
#include "mirari/testing.hpp"
#include "neighbour_segment.hpp"

using mirari::arp::ArpWatcherPlugin;
using mirari::arp::NeighbourEvent;
using mirari::arp::Neighbours;
using mirari::testing::NeighbourSegment;
using mirari::testing::PluginHarness;

namespace {

constexpr std::chrono::seconds kDeadline{10};

}  // namespace

TEST_CASE("the ARP watcher plugin publishes the table and a move as one event") {
  NeighbourSegment segment;
  segment.neigh("add", "192.0.2.7", "02:00:5e:00:00:0a");
  PluginHarness h;
  h.start(std::make_unique<ArpWatcherPlugin>(), {{"netns", segment.ns.name()}});
  auto events = h.record_each<NeighbourEvent>("arp.events");
  REQUIRE(h.value<Neighbours>("arp.table").size() == 1);

  segment.neigh("change", "192.0.2.7", "02:00:5e:00:00:0b");
  REQUIRE(h.settle_until([&] { return !events->empty(); }, kDeadline));
  REQUIRE(events->size() == 1);
  CHECK(events->front().kind == NeighbourEvent::Kind::moved);
  const Neighbours table = h.value<Neighbours>("arp.table");
  REQUIRE(table.size() == 1);
  CHECK(table.begin()->second.mac == "02:00:5e:00:00:0b");
}

TEST_CASE("the plugin library exports the ARP watcher") {
  NeighbourSegment segment;
  segment.neigh("add", "2001:db8::7", "02:00:5e:00:00:0a");
  PluginHarness h;
  h.start_library(MIRARI_ARP_WATCHER_SO, {{"netns", segment.ns.name()}});
  CHECK(h.value<Neighbours>("arp.table").size() == 1);
}

TEST_CASE("a reloaded ARP watcher reports the move it missed") {
  NeighbourSegment segment;
  segment.neigh("add", "203.0.113.5", "02:00:5e:00:00:0a");
  PluginHarness h;
  h.start(std::make_unique<ArpWatcherPlugin>(), {{"netns", segment.ns.name()}});
  auto events = h.record_each<NeighbourEvent>("arp.events");
  segment.neigh("add", "203.0.113.6", "02:00:5e:00:00:0a");
  h.reload(std::make_unique<ArpWatcherPlugin>());
  REQUIRE(h.settle_until([&] { return !events->empty(); }, kDeadline));
  REQUIRE(events->size() == 1);
  CHECK(events->front().kind == NeighbourEvent::Kind::moved);
  CHECK(events->front().old_entry->address == "203.0.113.5");
  CHECK(events->front().new_entry->address == "203.0.113.6");
  CHECK(h.value<Neighbours>("arp.table").size() == 2);
}
