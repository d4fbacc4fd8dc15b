// The catalogue's net types (mirari/ports/net.hpp): stable names and JSON forms that tools read
// back.
#include <catch2/catch.hpp>

#include "mirari/ports/net.hpp"

using mirari::ports::net::Address;
using mirari::ports::net::Family;
using mirari::ports::net::Link;
using mirari::ports::net::LinkEvent;
using mirari::ports::net::Links;
using mirari::ports::net::OperState;

namespace {
Link sample() {
  Link l;
  l.index = 3;
  l.name = "eth0";
  l.kind = "veth";
  l.mac = "02:00:5e:10:00:01";
  l.mtu = 1500;
  l.up = true;
  l.carrier = true;
  l.oper_state = OperState::lower_layer_down;
  l.speed_mbps = 10000;
  l.addresses = {{Family::ipv4, "192.0.2.1", 24}, {Family::ipv6, "2001:db8::1", 64}};
  return l;
}
}  // namespace

TEST_CASE("the ports' types have stable names") {
  CHECK(mirari::type_name<Links>() == "table<int32,net.link>");
  CHECK(mirari::type_name<LinkEvent>() == "net.link_event");
  CHECK(mirari::type_name<mirari::ports::net::LinkEvents>() == "list<net.link_event>");
}

TEST_CASE("a link's JSON form names every field") {
  const nlohmann::json j = sample();
  CHECK(j == nlohmann::json::parse(R"({
    "index": 3, "name": "eth0", "kind": "veth", "mac": "02:00:5e:10:00:01", "mtu": 1500,
    "up": true, "carrier": true, "oper_state": "lowerlayerdown", "speed_mbps": 10000,
    "addresses": [{"family": "ipv4", "address": "192.0.2.1", "prefix_length": 24},
                  {"family": "ipv6", "address": "2001:db8::1", "prefix_length": 64}]})"));
}

TEST_CASE("the table and events read back from their JSON form") {
  Link no_speed = sample();
  no_speed.speed_mbps.reset();
  const Links table{{3, sample()}, {4, no_speed}};
  CHECK(nlohmann::json(table).get<Links>() == table);
  CHECK(nlohmann::json(no_speed)["speed_mbps"].is_null());

  const LinkEvent added{LinkEvent::Kind::added, std::nullopt, sample()};
  const nlohmann::json j = added;
  CHECK(j["kind"] == "added");
  CHECK(j["old"].is_null());
  CHECK(j.get<LinkEvent>() == added);
}
