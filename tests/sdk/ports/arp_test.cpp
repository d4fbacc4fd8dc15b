// The catalogue's ARP types (mirari/ports/arp.hpp): stable names and JSON forms that tools read
// back.
#include <catch2/catch.hpp>

#include "mirari/ports/arp.hpp"

using mirari::ports::arp::Family;
using mirari::ports::arp::Neighbour;
using mirari::ports::arp::NeighbourEvent;
using mirari::ports::arp::NeighbourKey;
using mirari::ports::arp::Neighbours;
using mirari::ports::arp::NeighbourState;

namespace {
Neighbour sample() {
  return {Family::ipv6, "2001:db8::7", "02:00:5e:10:00:07", 3, "eth0", NeighbourState::stale};
}
}  // namespace

TEST_CASE("the ARP ports' types have stable names") {
  CHECK(mirari::type_name<Neighbours>() == "table<arp.neighbour_key,arp.neighbour>");
  CHECK(mirari::type_name<NeighbourEvent>() == "arp.neighbour_event");
}

TEST_CASE("a neighbour's JSON form names every field") {
  CHECK(nlohmann::json(sample()) == nlohmann::json::parse(R"({
    "family": "ipv6", "address": "2001:db8::7", "mac": "02:00:5e:10:00:07", "ifindex": 3,
    "interface": "eth0", "state": "stale"})"));
}

TEST_CASE("the table and a move read back from their JSON form") {
  const Neighbours table{{sample().key(), sample()}};
  const nlohmann::json j = table;
  CHECK(j == nlohmann::json::parse(R"([[{"ifindex": 3, "address": "2001:db8::7"}, {
    "family": "ipv6", "address": "2001:db8::7", "mac": "02:00:5e:10:00:07", "ifindex": 3,
    "interface": "eth0", "state": "stale"}]])"));
  CHECK(j.get<Neighbours>() == table);

  Neighbour moved = sample();
  moved.mac = "02:00:5e:10:00:08";
  const NeighbourEvent event{NeighbourEvent::Kind::moved, sample(), moved};
  CHECK(nlohmann::json(event)["kind"] == "moved");
  CHECK(nlohmann::json(event).get<NeighbourEvent>() == event);
}

TEST_CASE("a table of several entries is an array of [key, entry] pairs, in any order") {
  Neighbour other = sample();
  other.address = "2001:db8::8";
  Neighbour elsewhere = sample();
  elsewhere.ifindex = 4;
  const Neighbours table{
      {sample().key(), sample()}, {other.key(), other}, {elsewhere.key(), elsewhere}};
  const nlohmann::json j = table;
  REQUIRE(j.is_array());
  REQUIRE(j.size() == 3);
  for (const nlohmann::json& pair : j) {
    const NeighbourKey key = pair.at(0).get<NeighbourKey>();
    CHECK(pair.at(1).get<Neighbour>() == table.at(key));
  }
  CHECK(j.get<Neighbours>() == table);
}

TEST_CASE("a key's hash follows its interface and address") {
  const std::hash<NeighbourKey> hash;
  CHECK(hash({3, "192.0.2.7"}) == hash({3, "192.0.2.7"}));
  CHECK(hash({3, "192.0.2.7"}) != hash({4, "192.0.2.7"}));
  CHECK(hash({3, "192.0.2.7"}) != hash({3, "192.0.2.8"}));
}
