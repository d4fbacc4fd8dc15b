#include "of_actions.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <string>

#include "flow_validator.hpp"

namespace mirari::openflow {

namespace {

constexpr std::uint16_t kActionOutput = 0;       // OFPAT_OUTPUT
constexpr std::uint16_t kActionPopVlan = 18;     // OFPAT_POP_VLAN
constexpr std::uint16_t kActionGroup = 22;       // OFPAT_GROUP
constexpr std::uint16_t kActionSetField = 25;    // OFPAT_SET_FIELD
constexpr std::uint16_t kActionVendor = 0xffff;  // OFPAT_EXPERIMENTER
constexpr std::uint32_t kNicira = 0x00002320;
constexpr std::uint16_t kNiciraResubmitTable = 14;  // NXAST_RESUBMIT_TABLE
constexpr std::uint16_t kInstructionGotoTable = 1;
constexpr std::uint16_t kInstructionApplyActions = 4;

// The fields set_field (and mod_dl_src, mod_dl_dst) may set here.
constexpr std::array kSettable = {"eth_src", "eth_dst", "dl_src",  "dl_dst",   "ip_src",
                                  "ip_dst",  "nw_src",  "nw_dst",  "ipv6_src", "ipv6_dst",
                                  "tcp_src", "tcp_dst", "udp_src", "udp_dst"};

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

std::optional<std::uint8_t> table_number(std::string_view text) {
  unsigned n = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec != std::errc() || end != text.data() + text.size() || n > 254) return std::nullopt;
  return static_cast<std::uint8_t>(n);
}

void output(wire::Bytes& out, std::uint32_t port) {
  wire::put16(out, kActionOutput);
  wire::put16(out, 16);
  wire::put32(out, port);
  // ovs-ofctl asks for whole packets (OFPCML_NO_BUFFER) only when sending to the controller.
  wire::put16(out, port == wire::kPortController ? 0xffff : 0);
  out.insert(out.end(), 6, 0);
}

bool set_field(wire::Bytes& out, std::string_view field, std::string_view value,
               const PortNumbers& ports) {
  if (std::none_of(kSettable.begin(), kSettable.end(),
                   [field](const char* name) { return field == name; })) {
    return false;
  }
  const FieldSpec& spec = *field_spec(field);
  const auto read = field_value(spec, value, ports, false);
  if (!read) return false;
  const std::size_t start = out.size();
  wire::put16(out, kActionSetField);
  wire::put16(out, 0);
  const wire::Bytes oxm = oxm_entry(spec, *read);
  out.insert(out.end(), oxm.begin(), oxm.end());
  wire::pad8(out, start);
  out[start + 2] = static_cast<std::uint8_t>((out.size() - start) >> 8);
  out[start + 3] = static_cast<std::uint8_t>(out.size() - start);
  return true;
}

// Appends one action; false when it is outside the subset.
bool action(wire::Bytes& out, std::string_view item, const PortNumbers& ports) {
  const std::size_t cut = item.find_first_of(":(");
  const std::string keyword = lower(item.substr(0, cut));
  if (cut == std::string_view::npos) {
    static const std::array<std::pair<std::string_view, std::uint32_t>, 6> reserved = {{
        {"normal", wire::kPortNormal},
        {"in_port", wire::kPortInPort},
        {"local", wire::kPortLocal},
        {"flood", wire::kPortFlood},
        {"all", wire::kPortAll},
        {"controller", wire::kPortController},
    }};
    for (const auto& [name, port] : reserved) {
      if (keyword == name) {
        output(out, port);
        return true;
      }
    }
    if (keyword == "strip_vlan" || keyword == "pop_vlan") {
      wire::put16(out, kActionPopVlan);
      wire::put16(out, 8);
      wire::put32(out, 0);
      return true;
    }
    // Any other bare word is a port, as ovs-ofctl reads it.
    const auto port = port_number(item, ports);
    if (!port) return false;
    output(out, *port);
    return true;
  }
  const std::string_view argument = item.substr(cut + 1);
  if (item[cut] == '(') {
    // resubmit(,TABLE): Nicira's resubmit to a table, from the packet's own in_port.
    if (keyword != "resubmit" || !argument.starts_with(",") || !argument.ends_with(")")) {
      return false;
    }
    const auto table = table_number(argument.substr(1, argument.size() - 2));
    if (!table) return false;
    wire::put16(out, kActionVendor);
    wire::put16(out, 16);
    wire::put32(out, kNicira);
    wire::put16(out, kNiciraResubmitTable);
    wire::put16(out, 0xfff8);  // OFPP_IN_PORT as OpenFlow 1.0 numbers it
    wire::put8(out, *table);
    out.insert(out.end(), 3, 0);
    return true;
  }
  if (keyword == "output") {
    const auto port = port_number(argument, ports);
    if (!port) return false;
    output(out, *port);
    return true;
  }
  if (keyword == "group") {
    std::uint32_t id = 0;
    const auto [end, ec] = std::from_chars(argument.data(), argument.data() + argument.size(), id);
    if (ec != std::errc() || end != argument.data() + argument.size() || id > kMaxGroupId) {
      return false;
    }
    wire::put16(out, kActionGroup);
    wire::put16(out, 8);
    wire::put32(out, id);
    return true;
  }
  if (keyword == "mod_dl_src") return set_field(out, "eth_src", argument, ports);
  if (keyword == "mod_dl_dst") return set_field(out, "eth_dst", argument, ports);
  if (keyword == "set_field") {
    const std::size_t arrow = argument.rfind("->");
    if (arrow == std::string_view::npos) return false;
    return set_field(out, argument.substr(arrow + 2), argument.substr(0, arrow), ports);
  }
  return false;
}

// The actions of items, with goto_table's table taken out when goto is given.
std::optional<wire::Bytes> action_list(std::string_view actions, const PortNumbers& ports,
                                       std::optional<std::uint8_t>* goto_table) {
  const auto items = rule_items(actions);
  if (!items || items->empty()) return std::nullopt;
  wire::Bytes out;
  if (items->size() == 1 && lower((*items)[0]) == "drop") return out;
  for (std::size_t i = 0; i < items->size(); ++i) {
    const std::string_view item = (*items)[i];
    if (lower(item.substr(0, 11)) == "goto_table:") {
      if (goto_table == nullptr || i + 1 != items->size()) return std::nullopt;
      *goto_table = table_number(item.substr(11));
      if (!*goto_table) return std::nullopt;
      continue;
    }
    if (item.empty() || !action(out, item, ports)) return std::nullopt;
  }
  return out;
}

}  // namespace

std::optional<wire::Bytes> encode_flow_actions(std::string_view actions, const PortNumbers& ports) {
  std::optional<std::uint8_t> goto_table;
  const auto list = action_list(actions, ports, &goto_table);
  if (!list) return std::nullopt;
  wire::Bytes out;
  if (!list->empty()) {
    wire::put16(out, kInstructionApplyActions);
    wire::put16(out, static_cast<std::uint16_t>(8 + list->size()));
    wire::put32(out, 0);
    out.insert(out.end(), list->begin(), list->end());
  }
  if (goto_table) {
    wire::put16(out, kInstructionGotoTable);
    wire::put16(out, 8);
    wire::put8(out, *goto_table);
    out.insert(out.end(), 3, 0);
  }
  return out;
}

std::optional<wire::Bytes> encode_bucket_actions(std::string_view actions,
                                                 const PortNumbers& ports) {
  return action_list(actions, ports, nullptr);
}

}  // namespace mirari::openflow
