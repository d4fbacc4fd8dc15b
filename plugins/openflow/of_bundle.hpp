// The OpenFlow 1.4 messages of the bundle that makes a bridge hold exactly a set, encoded by
// the plugin itself: delete every flow, delete every group, add the set's groups, add its
// flows: the same messages, in the same order, as `ovs-ofctl bundle` sends for the lines of
// bundle_file(set) (bundle_file.hpp), so message i is line i of that file.
//
// Invariant: either every rule of the set is within what of_match.hpp and of_actions.hpp
// encode, and the result holds one message per line of bundle_file(set), or there is no
// result and the set goes through ovs-ofctl whole: a set never takes both paths.
#pragma once

#include <optional>
#include <vector>

#include <mirari/ports/flows.hpp>

#include "of_fields.hpp"

namespace mirari::openflow {

// The FLOW_MOD and GROUP_MOD messages for set (validated: flow_validator.hpp), each with xid
// 0 (the channel gives each its own); none when a rule is outside the encoder's subset or
// names a port not among ports.
std::optional<std::vector<wire::Bytes>> encode_bundle(const ports::flows::BridgeFlows& set,
                                                      const PortNumbers& ports);

// One flow's ADD; none outside the subset, or when it would not fit a bundle's 16-bit length.
std::optional<wire::Bytes> encode_flow_add(const ports::flows::Flow& flow,
                                           const PortNumbers& ports);
// One group's ADD; none outside the subset, or when it would not fit a bundle's 16-bit
// length.
std::optional<wire::Bytes> encode_group_add(const ports::flows::FlowGroup& group,
                                            const PortNumbers& ports);

}  // namespace mirari::openflow
