// The ARP watcher's port types: stable names and JSON forms that tools can read back.
#include <catch2/catch.hpp>

#include "neighbour.hpp"

using mirari::arp::Family;
using mirari::arp::Neighbour;
using mirari::arp::NeighbourEvent;
using mirari::arp::NeighbourKey;
using mirari::arp::NeighbourState;
using mirari::arp::NeighbourTable;

namespace {
Neighbour sample() {
  return {Family::ipv6, "2001:db8::7", "02:00:5e:10:00:07", 3, "eth0", NeighbourState::stale};
}
}  // namespace

TEST_CASE("the ARP ports' types have stable names") {
  CHECK(mirari::type_name<NeighbourTable>() == "map<arp.neighbour_key,arp.neighbour>");
  CHECK(mirari::type_name<NeighbourEvent>() == "arp.neighbour_event");
}

TEST_CASE("a neighbour's JSON form names every field") {
  CHECK(nlohmann::json(sample()) == nlohmann::json::parse(R"({
    "family": "ipv6", "address": "2001:db8::7", "mac": "02:00:5e:10:00:07", "ifindex": 3,
    "interface": "eth0", "state": "stale"})"));
}

TEST_CASE("the table and a move read back from their JSON form") {
  const NeighbourTable table{{sample().key(), sample()}};
  const nlohmann::json j = table;
  CHECK(j == nlohmann::json::parse(R"([[{"ifindex": 3, "address": "2001:db8::7"}, {
    "family": "ipv6", "address": "2001:db8::7", "mac": "02:00:5e:10:00:07", "ifindex": 3,
    "interface": "eth0", "state": "stale"}]])"));
  CHECK(j.get<NeighbourTable>() == table);

  Neighbour moved = sample();
  moved.mac = "02:00:5e:10:00:08";
  const NeighbourEvent event{NeighbourEvent::Kind::moved, sample(), moved};
  CHECK(nlohmann::json(event)["kind"] == "moved");
  CHECK(nlohmann::json(event).get<NeighbourEvent>() == event);
}
