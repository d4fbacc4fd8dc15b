// In the tick: a refused router keeps its last good set and shows the error; the others go on.
#include <catch2/catch.hpp>

#include "desired_check.hpp"

using namespace mirari::routes;
using mirari::ports::routes::AppliedRouter;
using mirari::ports::routes::RouterRoutes;

namespace {
const std::map<std::string, BackendKind> kRouters{{"A", BackendKind::frr},
                                                  {"B", BackendKind::netlink}};
RoutesDesired desired(std::vector<std::pair<std::string, RouterRoutes>> sets) {
  RoutesDesired out;
  for (auto& [name, set] : sets) out = out.set(name, set);
  return out;
}
const RouterRoutes kGood{{{"198.51.100.0/24", "192.0.2.1", "", 0}}, {}};
const RouterRoutes kBad{{{"198.51.100.0/24", "192.0.2.1", "", 0}, {"300.0.0.0/8", "", "e", 0}}, {}};
}  // namespace

TEST_CASE("a router that is not configured is an error naming the configured ones") {
  const CheckedDesired c = check_desired(desired({{"C", kGood}}), kRouters);
  CHECK(c.valid.size() == 0);
  CHECK(c.errors.at("C") == "router C is not configured (routers: A, B)");
}

TEST_CASE("a refused set keeps the router's last good one - the other routers go on") {
  const RoutesDesired before = accept({}, check_desired(desired({{"B", kGood}}), kRouters));
  const CheckedDesired now = check_desired(desired({{"A", kGood}, {"B", kBad}}), kRouters);
  const RoutesDesired after = accept(before, now);
  CHECK(after.at("B") == *before.find("B"));
  CHECK(after.at("A").routes[0].metric == 1);  // frr: the default distance
  CHECK(now.errors.at("B").starts_with("router B: route 300.0.0.0/8 dev e: "));
}

TEST_CASE("routes.applied shows the refusal beside what the router holds") {
  RoutesApplied programmed;
  programmed = programmed.set("B", AppliedRouter{kGood, "", 42});
  const CheckedDesired now = check_desired(desired({{"B", kBad}}), kRouters);
  const RoutesApplied applied = applied_view(programmed, now);
  CHECK(applied.at("B").held == kGood);
  CHECK(applied.at("B").applied_at == 42);
  CHECK(applied.at("B").error == now.errors.at("B"));
}
