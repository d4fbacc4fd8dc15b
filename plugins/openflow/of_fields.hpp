// The fields the plugin encodes as OpenFlow 1.4 OXM entries itself, by their names in
// ovs-fields(7), and the reading of their values as ovs-ofctl(8) writes them. A field or a
// value outside this subset has no encoding here: the set holding it goes through ovs-ofctl.
//
// Invariant: a value read here is one ovs-ofctl would read the same way: in range for its
// field, bits outside its mask cleared (as ovs-ofctl clears them), and a mask of all ones
// dropped (an exact match); anything else is refused rather than guessed.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "of_message.hpp"

namespace mirari::openflow {

// A bridge's ports: name (the bridge's own internal port by the bridge's name) → number.
using PortNumbers = std::map<std::string, std::uint32_t>;

struct FieldSpec {
  enum class Kind { integer, port, mac, ipv4, ipv6, vlan, vid };
  std::uint16_t oxm_class = 0x8000;  // OFPXMC_OPENFLOW_BASIC; 0x0001 for Nicira's registers
  std::uint8_t field = 0;            // the OXM field number within its class
  std::uint8_t width = 0;            // bytes
  Kind kind = Kind::integer;
  bool maskable = false;
  // What the field needs the match to hold before it (OpenFlow's prerequisites): an
  // eth_type (0: none; kEthIpAny: IPv4 or IPv6) and an ip_proto (0: none).
  std::uint16_t eth_type = 0;
  std::uint8_t ip_proto = 0;
  // The field's place in the OXM list: a prerequisite always comes before what needs it.
  int order = 0;
};

inline constexpr std::uint16_t kEthIp = 0x0800;
inline constexpr std::uint16_t kEthIpv6 = 0x86dd;
inline constexpr std::uint16_t kEthArp = 0x0806;
inline constexpr std::uint16_t kEthIpAny = 0xffff;  // a FieldSpec::eth_type meaning either IP

// The spec of a field by any of its names (eth_src or dl_src, ip_src or nw_src, ...); none for
// a field outside the subset. tp_src and tp_dst have none: they depend on the match's
// ip_proto (of_match.hpp resolves them).
const FieldSpec* field_spec(std::string_view name);

struct FieldValue {
  wire::Bytes value;
  wire::Bytes mask;       // empty: an exact match
  bool wildcard() const;  // a mask of all zeros: the field matches anything
};

// text ("192.0.2.0/24", "02:00:00:00:00:01", "0x800", "p1") as a value of spec; a mask
// (VALUE/MASK, or /PREFIX for addresses) only when masks is true and spec is maskable. None
// when the value is malformed, out of range, or a port name not among ports.
std::optional<FieldValue> field_value(const FieldSpec& spec, std::string_view text,
                                      const PortNumbers& ports, bool masks);

// The OXM entry of value for spec: class, field, has-mask, length, value, mask.
wire::Bytes oxm_entry(const FieldSpec& spec, const FieldValue& value);

// A port as OpenFlow numbers it: a number below OFPP_MAX, LOCAL (any case), or a name among
// ports; none otherwise.
std::optional<std::uint32_t> port_number(std::string_view text, const PortNumbers& ports);

}  // namespace mirari::openflow
