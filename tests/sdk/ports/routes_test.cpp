// The catalogue's route types (mirari/ports/routes.hpp) in their JSON forms, as policies
// written by hand (mirarictl set) and tools see them.
#include <catch2/catch.hpp>

#include "mirari/ports/routes.hpp"

using mirari::ports::routes::AppliedRouter;
using mirari::ports::routes::Route;
using mirari::ports::routes::RouterRoutes;
using mirari::ports::routes::RoutesDesired;

TEST_CASE("a route written by hand needs only its prefix and a next hop or device") {
  const auto route =
      nlohmann::json::parse(R"({"prefix": "198.51.100.0/24", "via": "192.0.2.1"})").get<Route>();
  CHECK(route == Route{"198.51.100.0/24", "192.0.2.1", "", 0});
  CHECK_THROWS(nlohmann::json::parse(R"({"via": "192.0.2.1"})").get<Route>());
  CHECK_THROWS(
      nlohmann::json::parse(R"({"prefix": "198.51.100.0/24", "metric": -1})").get<Route>());
}

TEST_CASE("a router's set and what was applied round-trip through JSON") {
  RouterRoutes set;
  set.routes = {Route{"203.0.113.0/24", "198.51.100.1", "eth1", 20}};
  set.announce = {"192.0.2.0/24"};
  const RoutesDesired desired{{"B", set}};
  const nlohmann::json j = desired;
  CHECK(j.at("B").at("announce") == nlohmann::json::array({"192.0.2.0/24"}));
  CHECK(j.get<RoutesDesired>() == desired);
  const AppliedRouter applied{set, "no such router", 5};
  CHECK(nlohmann::json(applied).get<AppliedRouter>() == applied);
  CHECK(nlohmann::json::object().get<RouterRoutes>() == RouterRoutes{});
}

TEST_CASE("the route ports' types have stable names") {
  CHECK(mirari::type_name<RoutesDesired>() == "table<string,routes.router>");
  CHECK(mirari::type_name<Route>() == "routes.route");
}
