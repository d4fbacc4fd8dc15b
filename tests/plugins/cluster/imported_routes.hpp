// What the cluster plugin's tests carry between hosts: host A's routes.desired, written with
// mirarictl, and whether host B imports exactly that from A.
#pragma once

#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>
#include <string>

#include "daemon.hpp"

namespace mirari::test {

// routes.desired holding one route for router B, to prefix via 192.0.2.1.
inline nlohmann::json routes(const std::string& prefix) {
  using nlohmann::json;
  return json{
      {"B",
       {{"routes", {{{"prefix", prefix}, {"via", "192.0.2.1"}, {"device", ""}, {"metric", 0}}}},
        {"announce", json::array()}}}};
}

inline void set_routes(const Daemon& host, const nlohmann::json& value) {
  auto r = host.ctl({"set", "routes.desired", value.dump()});
  REQUIRE(r.status == 0);
}

// Whether B's imported ports hold value for A (and nothing for any other host).
inline bool imports(const Daemon& b, const nlohmann::json& value) {
  auto one = b.port("cluster.a.routes.desired");
  auto all = b.port("cluster.all.routes.desired");
  return one && all && *one == value && *all == nlohmann::json{{"a", value}};
}

}  // namespace mirari::test
