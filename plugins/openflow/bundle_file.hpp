// The text of the one OpenFlow bundle that makes a bridge hold exactly a set: delete every
// flow and group, then add the set's groups and flows, read by `ovs-ofctl bundle` (which
// sends it as one atomic, ordered bundle: the switch commits all of it or none, and no packet
// meets a state in between).
#pragma once

#include <string>

#include <mirari/ports/flows.hpp>

namespace mirari::openflow {

// The bundle file for set (validated: see flow_validator.hpp), one line per OpenFlow message:
//   flow delete
//   group delete group_id=all
//   group add group_id=1,type=select,bucket=actions=output:p1,bucket=actions=output:p2
//   group add group_id=2,type=fast_failover,bucket=watch_port:p1,actions=output:p1
//   flow add table=0,priority=100,cookie=0x5,in_port=p1,actions=group:1
std::string bundle_file(const ports::flows::BridgeFlows& set);

}  // namespace mirari::openflow
