// Prefixes as the network policies read them from their configuration, and the networks they
// derive from a link's addresses.
#include <catch2/catch.hpp>

#include <stdexcept>

#include "ip_prefix.hpp"

namespace mirari::policies {
namespace {

using ports::ip::Family;

TEST_CASE("a prefix is written canonically, and one with host bits set is refused") {
  CHECK(canonical_prefix("203.0.113.0/24") == "203.0.113.0/24");
  CHECK(canonical_prefix("2001:0db8:0000::/32") == "2001:db8::/32");
  CHECK_THROWS_WITH(canonical_prefix("203.0.113.7/24"),
                    "'203.0.113.7/24' has host bits set: the prefix is 203.0.113.0/24");
  CHECK_THROWS_WITH(canonical_prefix("203.0.113.0"),
                    "'203.0.113.0' is not a prefix (address/length)");
  CHECK_THROWS_WITH(canonical_prefix("example/8"), "'example/8' is not a prefix (address/length)");
  CHECK_THROWS_AS(canonical_prefix("2001:db8::/129"), std::invalid_argument);
  CHECK(prefix_family("2001:db8::/32") == Family::ipv6);
  CHECK(prefix_family("192.0.2.0/24") == Family::ipv4);
}

TEST_CASE("only addresses that reach beyond their link give a network") {
  CHECK(routable_network({Family::ipv4, "192.0.2.7", 24}) == "192.0.2.0/24");
  CHECK(routable_network({Family::ipv4, "198.51.100.10", 32}) == "198.51.100.10/32");
  CHECK(routable_network({Family::ipv6, "2001:db8:a::10", 64}) == "2001:db8:a::/64");
  CHECK_FALSE(routable_network({Family::ipv4, "169.254.3.4", 16}));
  CHECK_FALSE(routable_network({Family::ipv6, "fe80::1", 64}));
  CHECK_FALSE(routable_network({Family::ipv4, "127.0.0.1", 8}));
  CHECK_FALSE(routable_network({Family::ipv4, "not an address", 24}));
  CHECK(is_ip_address("192.0.2.1"));
  CHECK(is_ip_address("2001:db8::1"));
  CHECK_FALSE(is_ip_address("192.0.2.0/24"));
}

}  // namespace
}  // namespace mirari::policies
