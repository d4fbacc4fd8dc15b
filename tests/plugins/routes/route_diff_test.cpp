// Programming changes only what differs: routes and prefixes in both sets are left out.
#include <catch2/catch.hpp>

#include "route_diff.hpp"

using mirari::ports::routes::Route;
using mirari::ports::routes::RouterRoutes;
using mirari::routes::diff;
using mirari::routes::RouteChanges;

TEST_CASE("equal sets make no changes") {
  const RouterRoutes set{{{"198.51.100.0/24", "192.0.2.1", "", 0}}, {"203.0.113.0/24"}};
  CHECK(diff(set, set).empty());
}

TEST_CASE("a route whose next hop changed is removed and added - the others stay") {
  const Route kept{"203.0.113.0/24", "", "eth0", 0};
  const Route old_hop{"198.51.100.0/24", "192.0.2.1", "", 0};
  const Route new_hop{"198.51.100.0/24", "192.0.2.2", "", 0};
  const RouteChanges c = diff({{kept, old_hop}, {}}, {{new_hop, kept}, {}});
  CHECK(c.remove == std::vector<Route>{old_hop});
  CHECK(c.add == std::vector<Route>{new_hop});
  CHECK(c.withdraw.empty());
  CHECK(c.announce.empty());
}

TEST_CASE("announcements are withdrawn and made by prefix") {
  const RouteChanges c = diff({{}, {"203.0.113.0/24", "2001:db8:1::/48"}},
                              {{}, {"2001:db8:1::/48", "198.51.100.0/24"}});
  CHECK(c.withdraw == std::vector<std::string>{"203.0.113.0/24"});
  CHECK(c.announce == std::vector<std::string>{"198.51.100.0/24"});
}
