#include "switch_dump.hpp"

#include <catch2/catch.hpp>

using namespace mirari::openflow;

TEST_CASE("a dump is normalized: headers dropped, rules trimmed and sorted") {
  const std::string listing =
      "OFPST_GROUP_DESC reply (OF1.4) (xid=0x2):\n"
      " group_id=2,type=all,bucket=actions=output:p2\n"
      " group_id=1,type=select,bucket=actions=output:p1\n";
  CHECK(normalized_dump(listing) ==
        "group_id=1,type=select,bucket=actions=output:p1\n"
        "group_id=2,type=all,bucket=actions=output:p2\n");
  CHECK(normalized_dump(" priority=10 actions=drop\n cookie=0x5, priority=100,ip actions=p2\n") ==
        normalized_dump(" cookie=0x5, priority=100,ip actions=p2\n priority=10 actions=drop"));
  CHECK(normalized_dump("") == "");
}
