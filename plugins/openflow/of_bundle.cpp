#include "of_bundle.hpp"

#include "flow_validator.hpp"
#include "of_actions.hpp"
#include "of_match.hpp"

namespace mirari::openflow {

namespace {

constexpr std::uint8_t kFlowAdd = 0;              // OFPFC_ADD
constexpr std::uint8_t kFlowDelete = 3;           // OFPFC_DELETE
constexpr std::uint16_t kGroupAddCommand = 0;     // OFPGC_ADD
constexpr std::uint16_t kGroupDeleteCommand = 2;  // OFPGC_DELETE
constexpr std::uint8_t kAllTables = 0xff;         // OFPTT_ALL
constexpr std::uint32_t kNoBuffer = 0xffffffff;
// The largest message a bundle can carry: its length, and the ADD's around it, are 16 bits.
constexpr std::size_t kLargestInner = 0xffff - 16;

wire::Bytes flow_mod(std::uint64_t cookie, std::uint8_t table, std::uint8_t command,
                     std::uint16_t priority, const wire::Bytes& match,
                     const wire::Bytes& instructions) {
  wire::Bytes body;
  wire::put64(body, cookie);
  wire::put64(body, 0);  // cookie_mask
  wire::put8(body, table);
  wire::put8(body, command);
  wire::put16(body, 0);  // idle_timeout
  wire::put16(body, 0);  // hard_timeout
  wire::put16(body, priority);
  wire::put32(body, kNoBuffer);
  wire::put32(body, wire::kPortAny);   // out_port
  wire::put32(body, wire::kGroupAny);  // out_group
  wire::put16(body, 0);                // flags
  wire::put16(body, 0);                // importance
  body.insert(body.end(), match.begin(), match.end());
  body.insert(body.end(), instructions.begin(), instructions.end());
  return wire::message(wire::kFlowMod, 0, body);
}

wire::Bytes group_mod(std::uint16_t command, std::uint8_t type, std::uint32_t id,
                      const wire::Bytes& buckets) {
  wire::Bytes body;
  wire::put16(body, command);
  wire::put8(body, type);
  wire::put8(body, 0);
  wire::put32(body, id);
  body.insert(body.end(), buckets.begin(), buckets.end());
  return wire::message(wire::kGroupMod, 0, body);
}

std::optional<std::uint8_t> group_type(const std::string& type) {
  if (type == "all") return 0;
  if (type == "select") return 1;
  if (type == "indirect") return 2;
  if (type == "fast_failover") return 3;
  return std::nullopt;
}

}  // namespace

std::optional<wire::Bytes> encode_flow_add(const ports::flows::Flow& flow,
                                           const PortNumbers& ports) {
  const auto match = encode_match(flow.match, ports);
  if (!match) return std::nullopt;
  const auto instructions = encode_flow_actions(flow.actions, ports);
  if (!instructions || 48 + match->size() + instructions->size() > kLargestInner) {
    return std::nullopt;
  }
  return flow_mod(flow.cookie, flow.table, kFlowAdd, flow.priority, *match, *instructions);
}

std::optional<wire::Bytes> encode_group_add(const ports::flows::FlowGroup& group,
                                            const PortNumbers& ports) {
  const auto type = group_type(group.type);
  if (!type) return std::nullopt;
  wire::Bytes buckets;
  for (const std::string& bucket : group.buckets) {
    const BucketParts parts = bucket_parts(bucket);
    const auto actions = encode_bucket_actions(parts.actions, ports);
    if (!actions) return std::nullopt;
    std::uint32_t watch = wire::kPortAny;
    if (parts.watch_port) {
      const auto port = port_number(*parts.watch_port, ports);
      if (!port) return std::nullopt;
      watch = *port;
    } else if (*type == 3) {
      return std::nullopt;  // a fast_failover bucket watches something: ovs-ofctl says so
    }
    wire::put16(buckets, static_cast<std::uint16_t>(16 + actions->size()));
    // ovs-ofctl weighs a select group's buckets 1 and the others' 0.
    wire::put16(buckets, *type == 1 ? 1 : 0);
    wire::put32(buckets, watch);
    wire::put32(buckets, wire::kGroupAny);
    wire::put32(buckets, 0);
    buckets.insert(buckets.end(), actions->begin(), actions->end());
    if (16 + buckets.size() > kLargestInner) return std::nullopt;
  }
  return group_mod(kGroupAddCommand, *type, group.id, buckets);
}

std::optional<std::vector<wire::Bytes>> encode_bundle(const ports::flows::BridgeFlows& set,
                                                      const PortNumbers& ports) {
  std::vector<wire::Bytes> out;
  out.reserve(2 + set.groups.size() + set.flows.size());
  wire::Bytes empty_match;
  wire::put16(empty_match, 1);  // OFPMT_OXM
  wire::put16(empty_match, 4);
  wire::pad8(empty_match, 0);
  out.push_back(flow_mod(0, kAllTables, kFlowDelete, 0, empty_match, {}));
  out.push_back(group_mod(kGroupDeleteCommand, 0, wire::kGroupAll, {}));
  for (const ports::flows::FlowGroup& group : set.groups) {
    auto message = encode_group_add(group, ports);
    if (!message) return std::nullopt;
    out.push_back(std::move(*message));
  }
  for (const ports::flows::Flow& flow : set.flows) {
    auto message = encode_flow_add(flow, ports);
    if (!message) return std::nullopt;
    out.push_back(std::move(*message));
  }
  return out;
}

}  // namespace mirari::openflow
