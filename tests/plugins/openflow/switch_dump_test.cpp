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

TEST_CASE("port names are read from dump-ports-desc, LOCAL included") {
  const std::string listing =
      "OFPST_PORT_DESC reply (OF1.4) (xid=0x2):\n"
      " 1(p1): addr:06:76:d0:08:ec:68\n"
      "     config:     PORT_DOWN\n"
      "     speed: 10000 Mbps now, 0 Mbps max\n"
      " 12(mi-web-1): addr:46:3c:30:83:e1:b0\n"
      " LOCAL(br0): addr:46:12:c0:b0:14:43\n";
  CHECK(port_names(listing) == std::set<std::string>{"p1", "mi-web-1", "br0"});
  CHECK(port_names("(x): addr:\nzz(y): addr:\n1(: addr:").empty());
}
