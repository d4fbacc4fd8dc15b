// Plugins built apart meet at ports. A policy that takes a stock port's type from the SDK's
// catalogue runs beside the port's publisher whatever their load order; a plugin that declares
// the type by hand, differently, is refused at start with an error that names the port, both
// plugins and what differs, and leaves nothing behind.
#include <catch2/catch.hpp>

#include <string>

#include "mirari/ports/net.hpp"
#include "mirari/testing.hpp"

using Catch::Matchers::Contains;
using mirari::PortError;
using mirari::testing::PluginHarness;

namespace {

std::size_t node_count(PluginHarness& h) {
  return h.graph().stats().nodes;
}

}  // namespace

TEST_CASE("a catalogue-typed policy follows net.links whatever the load order") {
  SECTION("publisher first") {
    PluginHarness h;
    h.start_library(MIRARI_LINKS_SOURCE_SO, {}, "source");
    h.start_library(MIRARI_FASTEST_LINK_SO, {}, "policy");
    h.settle();
    CHECK(h.value<std::string>("net.preferred_link") == "eth1");
  }
  SECTION("policy first: it starts without a publisher, then follows the first one") {
    PluginHarness h;
    h.start_library(MIRARI_FASTEST_LINK_SO, {{"prefixes", std::vector<std::string>{"eth0"}}},
                    "policy");
    h.settle();
    CHECK(h.value<std::string>("net.preferred_link").empty());
    h.start_library(MIRARI_LINKS_SOURCE_SO, {}, "source");
    h.settle();
    CHECK(h.value<std::string>("net.preferred_link") == "eth0");
  }
}

TEST_CASE("a subscriber whose hand-declared fields differ is refused at start") {
  PluginHarness h;
  h.start_library(MIRARI_LINKS_SOURCE_SO, {}, "source");
  const std::size_t nodes = node_count(h);

  CHECK_THROWS_AS(h.start_library(MIRARI_GUESSED_FIELDS_SO, {}, "guess"), PortError);
  CHECK_THROWS_WITH(h.start_library(MIRARI_GUESSED_FIELDS_SO, {}, "guess"),
                    "port 'net.links': 'guess' and 'source' declare table<int32,net.link> "
                    "differently (net.link: field 'speed_mbps' of type uint64 vs option<uint32>)");
  CHECK(node_count(h) == nodes);
  // What the publisher declared stays, and a subscriber of the catalogue's type reads it.
  CHECK(h.value<mirari::ports::net::Links>("net.links").at(3).speed_mbps == 10000u);
}

TEST_CASE("a publisher is refused when a subscriber declared the port first, and differently") {
  PluginHarness h;
  h.start_library(MIRARI_GUESSED_FIELDS_SO, {}, "guess");

  CHECK_THROWS_WITH(h.start_library(MIRARI_LINKS_SOURCE_SO, {}, "source"),
                    "port 'net.links': 'source' and 'guess' declare table<int32,net.link> "
                    "differently (net.link: field 'speed_mbps' of type option<uint32> vs uint64)");
  h.settle();
  CHECK(h.value<std::uint64_t>("test.fastest_speed") == 0);
}

TEST_CASE("a type declared by name alone is refused by its size") {
  PluginHarness h;
  h.start_library(MIRARI_LINKS_SOURCE_SO, {}, "source");

  CHECK_THROWS_WITH(h.start_library(MIRARI_GUESSED_NAME_SO, {}, "guess"),
                    Contains("port 'net.links': 'guess' and 'source' declare "
                             "table<int32,net.link> differently (net.link: size ") &&
                        Contains(" vs " + std::to_string(sizeof(mirari::ports::net::Link)) + ")"));
}
