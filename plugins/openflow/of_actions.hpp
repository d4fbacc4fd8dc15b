// A flow's actions, or a group bucket's, as ovs-ofctl(8) writes them, encoded as OpenFlow 1.4
// instructions and actions. Covered: output:PORT and a bare PORT (a number, LOCAL, or a port
// name the bridge has), normal, in_port, local, flood, all, controller, drop, group:N,
// mod_dl_src and mod_dl_dst, set_field:VALUE->FIELD for eth_src/eth_dst, ip(v4) and ipv6
// src/dst and tcp/udp src/dst, strip_vlan/pop_vlan, resubmit(,TABLE), and goto_table:TABLE
// as the last action of a flow.
//
// Invariant: the encoding is the one ovs-ofctl sends for the same text; actions with anything
// else have none, and go through ovs-ofctl.
#pragma once

#include <optional>
#include <string_view>

#include "of_fields.hpp"

namespace mirari::openflow {

// A flow's instructions: APPLY_ACTIONS with its actions (none for drop), then GOTO_TABLE
// when the actions end with goto_table; none outside the subset above.
std::optional<wire::Bytes> encode_flow_actions(std::string_view actions, const PortNumbers& ports);

// A bucket's action list (no instructions: goto_table has no place in a bucket); none
// outside the subset above.
std::optional<wire::Bytes> encode_bucket_actions(std::string_view actions,
                                                 const PortNumbers& ports);

}  // namespace mirari::openflow
