// Port declarations: kinds and types taken from the C++ type, names matched as configured,
// and every subscribe and publish heard by the port-use listener with its owner.
#include <catch2/catch.hpp>

#include <cstdint>
#include <string>
#include <tuple>
#include <vector>

#include "mirari/mirari.hpp"
#include "mirari/plugin.hpp"
#include "mirari/ports/net.hpp"
#include "mirari/ports/scaling.hpp"

namespace mirari {
namespace {

Config configured(std::string key, std::string value) {
  return Config({{std::move(key), ConfigValue(std::move(value))}});
}

TEST_CASE("a declaration takes its kind and its type's stable name from the C++ type") {
  const PortDecl links = PortDecl::subscribes<ports::net::Links>(ports::net::kLinks, "links");
  CHECK(links.kind == PortKind::table);
  CHECK(links.type == "table<int32,net.link>");
  CHECK(links.direction == PortDirection::subscribes);

  const PortDecl events =
      PortDecl::publishes_events<ports::net::LinkEvents>(ports::net::kLinkEvents, "changes");
  CHECK(events.kind == PortKind::event);
  CHECK(events.type == "list<net.link_event>");
  CHECK(events.direction == PortDirection::publishes);

  const PortDecl count = PortDecl::publishes<ports::DesiredCount>("count", "a count");
  CHECK(count.kind == PortKind::signal);
  CHECK(count.type == "int32");
  CHECK(to_string(count.kind) == "signal");
  CHECK(to_string(count.direction) == "publishes");
}

TEST_CASE("a {key} in a declared name is the configured value of that key") {
  const PortDecl desired = PortDecl::publishes<int>(ports::kDesiredCountPattern, "count");
  const Config web = configured("group", "web");
  CHECK(resolve_port_name(desired.name, web) == "scale.web.desired");
  CHECK(port_matches(desired, "scale.web.desired", web));
  CHECK_FALSE(port_matches(desired, "scale.db.desired", web));

  const PortDecl actual = PortDecl::publishes<int>("{actual_port}", "instances");
  CHECK(port_matches(actual, "group.b.actual", configured("actual_port", "group.b.actual")));
  CHECK_FALSE(port_matches(actual, "instances.actual", configured("actual_port", "x")));
}

TEST_CASE("a {key} the configuration gives no text for stands for one name component") {
  const PortDecl desired = PortDecl::publishes<int>(ports::kDesiredCountPattern, "count");
  const Config none;
  CHECK(resolve_port_name(desired.name, none) == "scale.{group}.desired");
  CHECK(port_matches(desired, "scale.web.desired", none));
  CHECK(port_matches(desired, "scale.db-2.desired", none));
  CHECK_FALSE(port_matches(desired, "scale..desired", none));
  CHECK_FALSE(port_matches(desired, "scale.a.b.desired", none));
  CHECK_FALSE(port_matches(desired, "scale.web.desired.x", none));
  // A key of another type is no text either.
  CHECK(port_matches(desired, "scale.web.desired", Config({{"group", ConfigValue(true)}})));
}

TEST_CASE("find_port looks in one direction, or in both") {
  const std::vector<PortDecl> declared = {PortDecl::subscribes<int>("in", "input"),
                                          PortDecl::publishes<int>("out", "output")};
  const Config none;
  REQUIRE(find_port(declared, "out", none) != nullptr);
  CHECK(find_port(declared, "out", none)->meaning == "output");
  CHECK(find_port(declared, "out", none, PortDirection::subscribes) == nullptr);
  CHECK(find_port(declared, "in", none, PortDirection::subscribes)->meaning == "input");
  CHECK(find_port(declared, "other", none) == nullptr);
}

class Declaring final : public Plugin {
 public:
  static std::vector<PortDecl> ports() { return {PortDecl::subscribes<int>("a", "an input")}; }
  void start(Context&) override {}
};
class Silent final : public Plugin {
 public:
  void start(Context&) override {}
};

TEST_CASE("the descriptor carries the plugin's declarations, or none") {
  const Descriptor declaring = detail::describe<Declaring>("d", "1", Kind::policy, "");
  REQUIRE(declaring.ports != nullptr);
  CHECK(declaring.ports() == std::vector<PortDecl>{PortDecl::subscribes<int>("a", "an input")});
  CHECK(detail::describe<Silent>("s", "1", Kind::policy, "").ports().empty());
}

TEST_CASE("the port-use listener hears each subscribe and publish with its owner") {
  Graph graph;
  using Use = detail::GraphInternals::PortUse;
  std::vector<std::tuple<OwnerId, std::string, Use>> heard;
  detail::internals(graph).set_port_use_listener(
      [&](OwnerId owner, const std::string& port, Use use) {
        heard.emplace_back(owner, port, use);
      });
  const OwnerId a = graph.add_owner("a");
  const OwnerId b = graph.add_owner("b");
  graph.change(a, [&] { graph.publish("x", graph.source<int>(1).signal()); });
  graph.change(b, [&] {
    graph.subscribe<int>("x");
    graph.subscribe_events<std::int64_t>("e");
  });
  // A refused use is heard too: the check comes after.
  CHECK_THROWS_AS(graph.change(b, [&] { graph.subscribe<double>("x"); }), PortError);

  CHECK(heard == std::vector<std::tuple<OwnerId, std::string, Use>>{{a, "x", Use::publishes},
                                                                    {b, "x", Use::subscribes},
                                                                    {b, "e", Use::subscribes},
                                                                    {b, "x", Use::subscribes}});
}

}  // namespace
}  // namespace mirari
