#include "of_message.hpp"

#include <catch2/catch.hpp>

using namespace mirari::openflow::wire;

TEST_CASE("a message carries its length and is padded to 8 bytes") {
  const Bytes m = message(kFlowMod, 0x01020304, Bytes{1, 2, 3});
  CHECK(m == Bytes{0x05, 14, 0, 16, 1, 2, 3, 4, 1, 2, 3, 0, 0, 0, 0, 0});
  const auto header = read_header(m.data(), m.size());
  REQUIRE(header);
  CHECK(header->version == kVersion);
  CHECK(header->type == kFlowMod);
  CHECK(header->length == 16);
  CHECK(header->xid == 0x01020304);
  CHECK_FALSE(read_header(m.data(), 7));
}

TEST_CASE("HELLO offers OpenFlow 1.4 alone, in a version bitmap") {
  CHECK(hello(1) == Bytes{0x05, 0, 0, 16, 0, 0, 0, 1, 0, 1, 0, 8, 0, 0, 0, 0x20});
  CHECK(offers_version(hello(1)));
}

TEST_CASE("a switch's HELLO offers 1.4 by its bitmap, or by its version without one") {
  // Open vSwitch offering 1.0 to 1.5: version 1.5, bitmap 0b111110.
  CHECK(offers_version(Bytes{0x06, 0, 0, 16, 0, 0, 0, 1, 0, 1, 0, 8, 0, 0, 0, 0x7e}));
  // 1.5 offered, 1.4 not: the bitmap decides.
  CHECK_FALSE(offers_version(Bytes{0x06, 0, 0, 16, 0, 0, 0, 1, 0, 1, 0, 8, 0, 0, 0, 0x42}));
  CHECK(offers_version(Bytes{0x05, 0, 0, 8, 0, 0, 0, 1}));
  CHECK_FALSE(offers_version(Bytes{0x04, 0, 0, 8, 0, 0, 0, 1}));
  // A bitmap element whose length runs past the message is not read.
  CHECK_FALSE(offers_version(Bytes{0x04, 0, 0, 16, 0, 0, 0, 1, 0, 1, 0, 40, 0, 0, 0, 0x20}));
}

TEST_CASE("bundle control and bundle add carry the bundle, its flags and the inner message") {
  CHECK(bundle_control(7, 1, kCommitRequest, kBundleAtomic | kBundleOrdered) ==
        Bytes{0x05, 33, 0, 16, 0, 0, 0, 7, 0, 0, 0, 1, 0, 4, 0, 3});
  const Bytes inner = message(kGroupMod, 9, Bytes{0, 2, 0, 0, 0xff, 0xff, 0xff, 0xfc});
  const Bytes add = bundle_add(9, 1, 3, inner);
  REQUIRE(add.size() == 16 + inner.size());
  CHECK(Bytes(add.begin(), add.begin() + 16) ==
        Bytes{0x05, 34, 0, 32, 0, 0, 0, 9, 0, 0, 0, 1, 0, 0, 0, 3});
  CHECK(Bytes(add.begin() + 16, add.end()) == inner);
}

TEST_CASE("the port description request asks for OFPMP_PORT_DESC") {
  CHECK(port_desc_request(3) == Bytes{0x05, 18, 0, 16, 0, 0, 0, 3, 0, 13, 0, 0, 0, 0, 0, 0});
}

TEST_CASE("errors are named as the specification names them") {
  CHECK(error_name(2, 4) == "OFPBAC_BAD_OUT_PORT (OFPET_BAD_ACTION)");
  CHECK(error_name(3, 2) == "OFPBIC_BAD_TABLE_ID (OFPET_BAD_INSTRUCTION)");
  CHECK(error_name(17, 13) == "OFPBFC_MSG_FAILED (OFPET_BUNDLE_FAILED)");
  CHECK(error_name(4, 99) == "OFPET_BAD_MATCH code 99");
  CHECK(error_name(0xffff, 1) == "error type 65535 code 1");
}
