// A flow's match, as ovs-ofctl(8) writes it, encoded as OpenFlow 1.4's ofp_match (OXM).
// Covered: in_port, metadata, reg0 to reg7, eth/dl src and dst (with masks), eth_type/dl_type
// and the protocol keywords ip, ipv6, arp, tcp, udp, icmp, tcp6, udp6, icmp6, vlan_vid/dl_vlan,
// ip/nw src and dst and ipv6 src and dst (with a prefix or a mask), ip_proto/nw_proto,
// tcp/udp src and dst and tp_src/tp_dst after tcp or udp, arp_op, arp_spa, arp_tpa.
//
// Invariant: the encoding is the one ovs-ofctl sends for the same text, so the switch holds
// the same flow either way; a match with anything else (another field, a value out of range, a
// field given twice, a field whose prerequisite the match lacks, a port name the bridge lacks)
// has none, and goes through ovs-ofctl, which says what is wrong with it as it always has.
#pragma once

#include <optional>
#include <string_view>

#include "of_fields.hpp"

namespace mirari::openflow {

// The ofp_match (type OXM, length, entries in prerequisite order, padded to 8 bytes) of
// match; none outside the subset above.
std::optional<wire::Bytes> encode_match(std::string_view match, const PortNumbers& ports);

}  // namespace mirari::openflow
