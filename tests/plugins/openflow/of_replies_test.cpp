// The readers of the switch's multipart reply bodies: port descriptions by name, and entries
// compared whatever their order, with what changes while a rule stays the same cleared.
#include <catch2/catch.hpp>
#include <cstdint>
#include <string>
#include <vector>

#include "of_replies.hpp"

using namespace mirari::openflow;

namespace {

// An ofp_port of 64 bytes: port_no, length, name.
wire::Bytes port(std::uint32_t number, const std::string& name) {
  wire::Bytes out;
  wire::put32(out, number);
  wire::put16(out, 64);
  out.resize(16, 0);
  out.insert(out.end(), name.begin(), name.end());
  out.resize(64, 0);
  return out;
}

// An entry of `length` bytes starting with its length, then `fill`.
wire::Bytes entry(std::uint16_t length, std::uint8_t fill) {
  wire::Bytes out;
  wire::put16(out, length);
  out.resize(length, fill);
  return out;
}

wire::Bytes joined(const wire::Bytes& a, const wire::Bytes& b) {
  wire::Bytes out = a;
  out.insert(out.end(), b.begin(), b.end());
  return out;
}

}  // namespace

TEST_CASE("port descriptions give each port's number by name, across bodies") {
  const PortNumbers ports = port_numbers({joined(port(1, "p1"), port(2, "p2")), port(9, "br0")});
  CHECK(ports == PortNumbers{{"p1", 1}, {"p2", 2}, {"br0", 9}});
}

TEST_CASE("a port entry whose length does not fit ends its body, and nothing is read past it") {
  wire::Bytes body = joined(port(1, "p1"), port(2, "p2"));
  body.resize(100);  // the second entry is cut short
  CHECK(port_numbers({body}) == PortNumbers{{"p1", 1}});
  wire::Bytes zero_length = port(3, "p3");
  zero_length[4] = zero_length[5] = 0;
  CHECK(port_numbers({zero_length}).empty());
}

TEST_CASE("entries read the same in any order, with the cleared bytes zeroed") {
  const wire::Bytes a = entry(8, 1), b = entry(8, 2);
  CHECK(sorted_entries({joined(a, b)}, {}) == sorted_entries({b, a}, {}));
  wire::Bytes counted = entry(8, 1);
  counted[5] = 77;  // a counter that moved
  CHECK(sorted_entries({counted}, {{4, 6}}) == sorted_entries({entry(8, 1)}, {{4, 6}}));
  CHECK(sorted_entries({counted}, {}) != sorted_entries({entry(8, 1)}, {}));
}

TEST_CASE("an entry too short for its length field ends its body") {
  wire::Bytes body = joined(entry(8, 1), entry(8, 2));
  body.resize(12);
  CHECK(sorted_entries({body}, {}) == sorted_entries({entry(8, 1)}, {}));
  CHECK(sorted_entries({wire::Bytes{0, 1, 5}}, {}).empty());
}
