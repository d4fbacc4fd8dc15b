#include "bundle_file.hpp"

#include <catch2/catch.hpp>

using namespace mirari::openflow;
using namespace mirari::ports::flows;

TEST_CASE("the bundle deletes every flow and group, then adds groups before flows") {
  BridgeFlows set;
  set.groups = {FlowGroup{1, "select", {"output:p1", "mod_dl_dst:02:00:5e:00:00:01,output:p2"}}};
  set.flows = {Flow{0, 100, "in_port=p1,ip", "group:1", 0x5}, Flow{1, 10, "", "drop", 0}};
  CHECK(bundle_file(set) ==
        "flow delete\n"
        "group delete group_id=all\n"
        "group add group_id=1,type=select,bucket=actions=output:p1,"
        "bucket=actions=mod_dl_dst:02:00:5e:00:00:01,output:p2\n"
        "flow add table=0,priority=100,cookie=0x5,in_port=p1,ip,actions=group:1\n"
        "flow add table=1,priority=10,cookie=0x0,actions=drop\n");
}

TEST_CASE("the bundle of the empty set empties the bridge") {
  CHECK(bundle_file({}) == "flow delete\ngroup delete group_id=all\n");
}

TEST_CASE("a select group without buckets is written without any") {
  CHECK(bundle_file({{}, {FlowGroup{4, "select", {}}}}) ==
        "flow delete\ngroup delete group_id=all\ngroup add group_id=4,type=select\n");
}

TEST_CASE("a bucket's watch_port goes before its actions, where ovs-ofctl reads it") {
  CHECK(bundle_file({{}, {FlowGroup{2, "fast_failover", {"output:p1,watch_port:p1"}}}}) ==
        "flow delete\ngroup delete group_id=all\n"
        "group add group_id=2,type=fast_failover,bucket=watch_port:p1,actions=output:p1\n");
}
