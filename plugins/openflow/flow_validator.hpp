// What can be checked of a desired rule set without asking the switch: the syntax of
// ovs-ofctl(8) as far as field names and action keywords go, ranges, and that the set is
// self-consistent (every group:N it uses is declared, no rule given twice). A set that passes
// can still be refused by Open vSwitch (a port name the bridge lacks, a value out of a field's
// range); that refusal comes back from the bundle, which then changes nothing.
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <mirari/ports/flows.hpp>

namespace mirari::openflow {

using ports::flows::BridgeFlows;
using ports::flows::Flow;
using ports::flows::FlowGroup;

// A desired set refused before it reaches a switch; the message names the bridge, the rule
// and what is wrong with it.
class InvalidFlows : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

// The largest group id OpenFlow lets a group have (OFPG_MAX).
inline constexpr std::uint32_t kMaxGroupId = 0xffffff00;
// Table 255 means "all tables" in OpenFlow; a flow lives in 0 to 254.
inline constexpr std::uint8_t kMaxTable = 254;

// Why name is not a bridge (or port) name Open vSwitch takes: 1 to 15 letters, digits, '-',
// '_' or '.'; none when it is one.
std::optional<std::string> bridge_name_problem(std::string_view name);

// Why match is not a list of known match fields (field=value) and protocol keywords (ip,
// tcp, ...); none when it is.
std::optional<std::string> match_problem(std::string_view match);

// Why actions is not a list of known actions (keyword, keyword:argument, keyword(arguments),
// or a bare port); none when it is.
std::optional<std::string> actions_problem(std::string_view actions);

// The items of a comma-separated match or action list, split only outside parentheses and
// brackets, each trimmed of spaces; none when the parentheses or brackets do not balance.
std::optional<std::vector<std::string_view>> rule_items(std::string_view text);

// A bucket's text split into its actions and the port it watches (a "watch_port:PORT" item
// among them, as ovs-ofctl reads it; a fast_failover group's buckets need one).
struct BucketParts {
  std::string actions;
  std::optional<std::string> watch_port;
};
BucketParts bucket_parts(std::string_view bucket);

// The ids of every group:N among the top-level actions, in order.
std::vector<std::uint32_t> referenced_groups(std::string_view actions);

// The rule as ovs-ofctl writes it, for error messages: "table=0,priority=100,in_port=p1
// actions=output:p2".
std::string describe(const Flow& flow);

// Throws InvalidFlows when set cannot be what bridge holds. Any thread.
void validate(const std::string& bridge, const BridgeFlows& set);

}  // namespace mirari::openflow
