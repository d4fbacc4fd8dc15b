// The routers' configuration: defaults, and refusals naming the key.
#include <catch2/catch.hpp>

#include "router_options.hpp"

using mirari::Config;
using mirari::ConfigError;
using mirari::routes::BackendKind;
using mirari::routes::parse_options;

namespace {

// A configuration as the host hands it over: every declared key present, defaults applied.
Config with_router(Config::Values router) {
  Config::Values defaults{{"netns", std::string()}, {"pathspace", std::string()},
                          {"asn", std::int64_t{0}}, {"tag", std::int64_t{4242}},
                          {"route_map", "mirari"},  {"protocol", std::int64_t{203}}};
  router.merge(defaults);
  return Config({{"verify_ms", std::int64_t{1000}},
                 {"desired", "routes.desired"},
                 {"routers", std::vector<Config>{Config(std::move(router), "routers[0]")}}});
}

std::string refusal(const Config& config) {
  try {
    parse_options(config);
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("a router takes the defaults: tag 4242, route-map mirari, protocol 203") {
  const auto options = parse_options(with_router({{"name", "B"}, {"backend", "frr"}}));
  REQUIRE(options.routers.size() == 1);
  CHECK(options.routers[0].backend == BackendKind::frr);
  CHECK(options.routers[0].tag == 4242);
  CHECK(options.routers[0].route_map == "mirari");
  CHECK(options.routers[0].protocol == 203);
  CHECK(options.verify == std::chrono::milliseconds(1000));
}

TEST_CASE("an unknown backend, a kernel protocol number or a bad namespace is refused") {
  CHECK(refusal(with_router({{"name", "B"}, {"backend", "bird"}})) ==
        "routers[0].backend 'bird' is not netlink or frr");
  CHECK(refusal(
            with_router({{"name", "B"}, {"backend", "netlink"}, {"protocol", std::int64_t{4}}})) ==
        "routers[0].protocol must be between 5 and 255, not 4");
  CHECK(refusal(with_router({{"name", "B"}, {"backend", "netlink"}, {"netns", "a/b"}})) ==
        "routers[0].netns 'a/b' is not a namespace name");
}

TEST_CASE("a router named twice is refused") {
  Config::Values router{{"name", "B"},
                        {"backend", "netlink"},
                        {"netns", std::string()},
                        {"pathspace", std::string()},
                        {"asn", std::int64_t{0}},
                        {"tag", std::int64_t{4242}},
                        {"route_map", "mirari"},
                        {"protocol", std::int64_t{203}}};
  const Config config({{"verify_ms", std::int64_t{1000}},
                       {"desired", "routes.desired"},
                       {"routers", std::vector<Config>{Config(router, "routers[0]"),
                                                       Config(router, "routers[1]")}}});
  CHECK(refusal(config) == "routers[1].name: router 'B' is named twice");
}

TEST_CASE("the sets programmed come from routes.desired, or the port named by desired") {
  CHECK(parse_options(with_router({{"name", "B"}, {"backend", "netlink"}})).desired ==
        "routes.desired");
  Config::Values values = with_router({{"name", "B"}, {"backend", "netlink"}}).values();
  values["desired"] = std::string("cluster.a.routes.desired");
  CHECK(parse_options(Config(values)).desired == "cluster.a.routes.desired");
  values["desired"] = std::string();
  CHECK(refusal(Config(values)) == "desired names no port");
}
