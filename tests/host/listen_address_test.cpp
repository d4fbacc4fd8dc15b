// How a listening address is read from the configuration (metrics_listen): what is accepted,
// what each refusal says.
#include <catch2/catch.hpp>

#include "listen_address.hpp"

using mirari::host::ListenAddress;
using mirari::host::parse_listen_address;

TEST_CASE("an IPv4 or bracketed IPv6 address with a port is taken as written") {
  CHECK(parse_listen_address("127.0.0.1:9464") == ListenAddress{"127.0.0.1", 9464});
  CHECK(parse_listen_address("0.0.0.0:80") == ListenAddress{"0.0.0.0", 80});
  CHECK(parse_listen_address("[::1]:9464") == ListenAddress{"::1", 9464});
  CHECK(parse_listen_address("[2001:db8::1]:0") == ListenAddress{"2001:db8::1", 0});
}

TEST_CASE("a port alone, with or without a colon or localhost, is the IPv4 loopback's") {
  CHECK(parse_listen_address("9464") == ListenAddress{"127.0.0.1", 9464});
  CHECK(parse_listen_address(":9464") == ListenAddress{"127.0.0.1", 9464});
  CHECK(parse_listen_address("localhost:9464") == ListenAddress{"127.0.0.1", 9464});
}

TEST_CASE("an address is written back with brackets around IPv6") {
  CHECK(to_string(ListenAddress{"127.0.0.1", 9464}) == "127.0.0.1:9464");
  CHECK(to_string(ListenAddress{"2001:db8::1", 80}) == "[2001:db8::1]:80");
}

TEST_CASE("a host name, an unbracketed IPv6 address or a bad port is refused, saying which") {
  const std::string no_ip =
      "does not start with an IP address (\"127.0.0.1:9464\", \"[::1]:9464\") or localhost";
  CHECK_THROWS_WITH(parse_listen_address("example.org:80"), "'example.org:80' " + no_ip);
  CHECK_THROWS_WITH(parse_listen_address("::1:9464"), "'::1:9464' " + no_ip);
  CHECK_THROWS_WITH(parse_listen_address("[127.0.0.1]:80"), "'[127.0.0.1]:80' " + no_ip);
  CHECK_THROWS_WITH(parse_listen_address("192.0.2.300:80"), "'192.0.2.300:80' " + no_ip);
  const std::string no_port = " has no port number (0 to 65535) after the last ':'";
  CHECK_THROWS_WITH(parse_listen_address("127.0.0.1:65536"), "'127.0.0.1:65536'" + no_port);
  CHECK_THROWS_WITH(parse_listen_address("127.0.0.1:"), "'127.0.0.1:'" + no_port);
  CHECK_THROWS_WITH(parse_listen_address("127.0.0.1:http"), "'127.0.0.1:http'" + no_port);
  CHECK_THROWS_WITH(parse_listen_address("127.0.0.1:-1"), "'127.0.0.1:-1'" + no_port);
  CHECK_THROWS_WITH(parse_listen_address(""), "''" + no_port);
}
