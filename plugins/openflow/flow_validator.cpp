#include "flow_validator.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <set>
#include <tuple>
#include <vector>

namespace mirari::openflow {

namespace {

constexpr std::size_t kMaxNameLength = 15;  // IFNAMSIZ - 1

// Match fields of ovs-fields(7) (and their ovs-ofctl aliases), without the numbered families
// (reg0, xreg0, xxreg0, tun_metadata0, nsh_c1), which numbered_field() takes.
constexpr std::array kMatchFields = {
    "in_port",        "in_port_oxm",    "skb_priority",   "pkt_mark",        "packet_type",
    "actset_output",  "metadata",       "conj_id",        "recirc_id",       "dp_hash",
    "dl_src",         "dl_dst",         "eth_src",        "eth_dst",         "dl_type",
    "eth_type",       "dl_vlan",        "dl_vlan_pcp",    "vlan_tci",        "vlan_vid",
    "vlan_pcp",       "mpls_label",     "mpls_tc",        "mpls_bos",        "mpls_ttl",
    "nw_src",         "nw_dst",         "ip_src",         "ip_dst",          "ipv6_src",
    "ipv6_dst",       "ipv6_label",     "nw_proto",       "ip_proto",        "nw_tos",
    "ip_dscp",        "nw_ecn",         "ip_ecn",         "nw_ttl",          "ip_frag",
    "nw_frag",        "arp_op",         "arp_spa",        "arp_tpa",         "arp_sha",
    "arp_tha",        "tp_src",         "tp_dst",         "tcp_src",         "tcp_dst",
    "udp_src",        "udp_dst",        "sctp_src",       "sctp_dst",        "tcp_flags",
    "icmp_type",      "icmp_code",      "icmpv6_type",    "icmpv6_code",     "nd_target",
    "nd_sll",         "nd_tll",         "nd_reserved",    "nd_options_type", "tun_id",
    "tunnel_id",      "tun_src",        "tun_dst",        "tun_ipv6_src",    "tun_ipv6_dst",
    "tun_flags",      "tun_tos",        "tun_ttl",        "tun_gbp_id",      "tun_gbp_flags",
    "tun_erspan_ver", "tun_erspan_idx", "tun_erspan_dir", "tun_erspan_hwid", "ct_state",
    "ct_zone",        "ct_mark",        "ct_label",       "ct_nw_src",       "ct_nw_dst",
    "ct_ipv6_src",    "ct_ipv6_dst",    "ct_nw_proto",    "ct_tp_src",       "ct_tp_dst",
    "ipv6_exthdr",    "nsh_flags",      "nsh_ttl",        "nsh_mdtype",      "nsh_np",
    "nsh_spi",        "nsh_si"};

// Shorthands that stand for a dl_type (and nw_proto) and take no value.
constexpr std::array kProtocols = {"ip",   "ipv6", "icmp",  "icmp6", "tcp",  "tcp6", "udp",
                                   "udp6", "sctp", "sctp6", "arp",   "rarp", "mpls", "mplsm"};

// Parts of an ovs-ofctl flow that are not match fields: a desired set gives table, priority
// and cookie their own fields, and takes no timeouts or flags (a flow that expires would be
// drift the plugin repairs forever).
constexpr std::array kFlowOptions = {"table",        "priority",         "cookie",
                                     "actions",      "idle_timeout",     "hard_timeout",
                                     "importance",   "send_flow_rem",    "check_overlap",
                                     "reset_counts", "no_packet_counts", "no_byte_counts",
                                     "out_port",     "out_group"};

// Actions written alone.
constexpr std::array kBareActions = {"drop",          "normal",     "flood",        "all",
                                     "local",         "in_port",    "controller",   "strip_vlan",
                                     "pop_vlan",      "dec_ttl",    "ct_clear",     "exit",
                                     "clear_actions", "decap",      "dec_mpls_ttl", "pop_queue",
                                     "debug_recirc",  "debug_slow", "dec_nsh_ttl"};

// Actions written keyword:argument or keyword(arguments).
constexpr std::array kArgumentActions = {"output",
                                         "enqueue",
                                         "mod_vlan_vid",
                                         "mod_vlan_pcp",
                                         "push_vlan",
                                         "mod_dl_src",
                                         "mod_dl_dst",
                                         "mod_nw_src",
                                         "mod_nw_dst",
                                         "mod_nw_tos",
                                         "mod_nw_ecn",
                                         "mod_nw_ttl",
                                         "mod_tp_src",
                                         "mod_tp_dst",
                                         "set_field",
                                         "load",
                                         "move",
                                         "push",
                                         "pop",
                                         "set_tunnel",
                                         "set_tunnel64",
                                         "set_queue",
                                         "resubmit",
                                         "group",
                                         "goto_table",
                                         "write_metadata",
                                         "meter",
                                         "push_mpls",
                                         "pop_mpls",
                                         "set_mpls_label",
                                         "set_mpls_tc",
                                         "set_mpls_ttl",
                                         "note",
                                         "controller",
                                         "dec_ttl",
                                         "delete_field",
                                         "ct",
                                         "learn",
                                         "multipath",
                                         "bundle",
                                         "bundle_load",
                                         "fin_timeout",
                                         "sample",
                                         "conjunction",
                                         "clone",
                                         "encap",
                                         "decap",
                                         "check_pkt_larger",
                                         "write_actions",
                                         "nat"};

constexpr std::array kGroupTypes = {"select", "all", "indirect", "fast_failover"};

template <std::size_t N>
bool among(const std::array<const char*, N>& names, std::string_view word) {
  return std::any_of(names.begin(), names.end(), [word](const char* name) { return word == name; });
}

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  return text;
}

// A character ovs-ofctl reads as written: printable ASCII without '#' (which starts a comment
// in the bundle file, and would cut the rule short).
std::optional<std::string> characters_problem(std::string_view text) {
  for (const char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u > 0x7e) return "holds a control or non-ASCII character";
    if (c == '#') return "holds '#'";
  }
  return std::nullopt;
}

// The items of a comma-separated list, split only outside parentheses and brackets.
std::optional<std::vector<std::string_view>> split_items(std::string_view text) {
  std::vector<std::string_view> items;
  int depth = 0;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= text.size(); ++i) {
    const char c = i < text.size() ? text[i] : ',';
    if (c == '(' || c == '[') ++depth;
    if (c == ')' || c == ']') {
      if (--depth < 0) return std::nullopt;
    }
    if (c == ',' && depth == 0) {
      items.push_back(trim(text.substr(start, i - start)));
      start = i + 1;
    }
  }
  if (depth != 0) return std::nullopt;
  return items;
}

}  // namespace

std::optional<std::vector<std::string_view>> rule_items(std::string_view text) {
  return split_items(text);
}

namespace {

bool numbered_field(std::string_view name) {
  for (const auto& [prefix, count] : std::array<std::pair<std::string_view, int>, 5>{
           {{"reg", 16}, {"xreg", 8}, {"xxreg", 4}, {"tun_metadata", 64}, {"nsh_c", 5}}}) {
    if (name.size() <= prefix.size() || name.substr(0, prefix.size()) != prefix) continue;
    const std::string_view digits = name.substr(prefix.size());
    int n = -1;
    const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), n);
    if (ec == std::errc() && end == digits.data() + digits.size() && n < count &&
        !(prefix == "nsh_c" && n == 0)) {
      return true;
    }
  }
  return false;
}

bool port_word(std::string_view word) {
  return !word.empty() && word.size() <= kMaxNameLength &&
         std::all_of(word.begin(), word.end(), [](unsigned char c) {
           return std::isalnum(c) || c == '-' || c == '_' || c == '.';
         });
}

std::optional<std::uint32_t> group_number(std::string_view text) {
  int base = 10;
  if (text.size() > 2 && (text.substr(0, 2) == "0x" || text.substr(0, 2) == "0X")) {
    text.remove_prefix(2);
    base = 16;
  }
  std::uint32_t n = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n, base);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return n;
}

std::string in_quotes(std::string_view text) {
  // Built in place: GCC 12 at -O3 warns (-Wrestrict, a false positive, GCC bug 105329) on
  // "'" + std::string(text).
  std::string out;
  out.reserve(text.size() + 2);
  out += '\'';
  out += text;
  out += '\'';
  return out;
}

}  // namespace

std::optional<std::string> bridge_name_problem(std::string_view name) {
  if (port_word(name)) return std::nullopt;
  return in_quotes(name) + " is not a bridge name (1 to 15 letters, digits, '-', '_' or '.')";
}

std::optional<std::string> match_problem(std::string_view match) {
  if (auto problem = characters_problem(match)) return "the match " + *problem;
  if (trim(match).empty()) return std::nullopt;
  const auto items = split_items(match);
  if (!items) return "the match has unbalanced parentheses or brackets";
  for (const std::string_view item : *items) {
    if (item.empty()) return "the match has an empty field (two commas in a row?)";
    const std::size_t eq = item.find('=');
    const std::string name(trim(item.substr(0, eq)));
    if (eq == std::string_view::npos) {
      if (among(kProtocols, name)) continue;
      if (among(kMatchFields, name) || numbered_field(name)) {
        return "match field " + in_quotes(name) + " has no value (write " + name + "=VALUE)";
      }
      return in_quotes(name) + " is not a match field or protocol (ip, tcp, arp, ...)";
    }
    if (among(kFlowOptions, name)) {
      return in_quotes(name) +
             " is not a match field: table, priority and cookie have fields of their own, and "
             "a desired flow takes no timeouts or flags";
    }
    if (among(kProtocols, name)) return "protocol " + in_quotes(name) + " takes no value";
    if (!among(kMatchFields, name) && !numbered_field(name)) {
      return in_quotes(name) + " is not a match field";
    }
    if (trim(item.substr(eq + 1)).empty()) {
      return "match field " + in_quotes(name) + " has an empty value";
    }
  }
  return std::nullopt;
}

std::optional<std::string> actions_problem(std::string_view actions) {
  if (auto problem = characters_problem(actions)) return "the actions " + *problem;
  if (trim(actions).empty()) return std::string("the actions are empty (write drop to drop)");
  const auto items = split_items(actions);
  if (!items) return "the actions have unbalanced parentheses or brackets";
  for (const std::string_view item : *items) {
    if (item.empty()) return "the actions have an empty action (two commas in a row?)";
    const std::size_t cut = item.find_first_of(":(=");
    const std::string keyword = lower(trim(item.substr(0, cut)));
    if (cut == std::string_view::npos) {
      if (keyword == "drop" && items->size() > 1) {
        return std::string("drop must be the only action");
      }
      if (among(kBareActions, keyword) || port_word(item)) continue;
      return in_quotes(item) + " is not an action or a port name";
    }
    if (!among(kArgumentActions, keyword)) return in_quotes(keyword) + " is not an action";
    if (item[cut] == '=') return "action " + in_quotes(keyword) + " is written with ':' or '('";
    if (item[cut] == '(' && item.back() != ')') {
      return "action " + in_quotes(keyword) + " does not end with ')'";
    }
    const std::string_view argument = trim(item.substr(cut + 1));
    if (argument.empty() || argument == ")") {
      return "action " + in_quotes(keyword) + " has no argument";
    }
    if (keyword == "group" && item[cut] == ':' && !group_number(argument)) {
      return "group:" + std::string(argument) + " does not name a group by number";
    }
  }
  return std::nullopt;
}

BucketParts bucket_parts(std::string_view bucket) {
  BucketParts out;
  const auto items = split_items(bucket);
  if (!items) {
    out.actions = bucket;
    return out;
  }
  for (const std::string_view item : *items) {
    if (item.size() > 11 && lower(item.substr(0, 11)) == "watch_port:" && !out.watch_port) {
      out.watch_port = std::string(trim(item.substr(11)));
      continue;
    }
    if (!out.actions.empty()) out.actions += ',';
    out.actions += item;
  }
  return out;
}

std::vector<std::uint32_t> referenced_groups(std::string_view actions) {
  std::vector<std::uint32_t> out;
  const auto items = split_items(actions);
  if (!items) return out;
  for (const std::string_view item : *items) {
    if (item.size() > 6 && lower(item.substr(0, 6)) == "group:") {
      if (auto n = group_number(trim(item.substr(6)))) out.push_back(*n);
    }
  }
  return out;
}

std::string describe(const Flow& flow) {
  std::string text =
      "table=" + std::to_string(flow.table) + ",priority=" + std::to_string(flow.priority);
  if (!flow.match.empty()) text += "," + flow.match;
  return text + " actions=" + flow.actions;
}

void validate(const std::string& bridge, const BridgeFlows& set) {
  const std::string where = "bridge " + in_quotes(bridge) + ": ";
  if (auto problem = bridge_name_problem(bridge)) throw InvalidFlows(*problem);

  std::set<std::uint32_t> declared;
  for (std::size_t i = 0; i < set.groups.size(); ++i) {
    const FlowGroup& group = set.groups[i];
    const std::string rule = where + "group " + std::to_string(group.id) + ": ";
    if (group.id > kMaxGroupId) {
      throw InvalidFlows(rule + "the id is above OpenFlow's largest, " +
                         std::to_string(kMaxGroupId));
    }
    if (!declared.insert(group.id).second) throw InvalidFlows(rule + "declared twice");
    if (!among(kGroupTypes, group.type)) {
      throw InvalidFlows(rule + "type " + in_quotes(group.type) +
                         " is not select, all, indirect or fast_failover");
    }
    if (group.type == "indirect" && group.buckets.size() != 1) {
      throw InvalidFlows(rule + "an indirect group has exactly one bucket, not " +
                         std::to_string(group.buckets.size()));
    }
    for (std::size_t b = 0; b < group.buckets.size(); ++b) {
      const BucketParts parts = bucket_parts(group.buckets[b]);
      if (parts.watch_port && !port_word(*parts.watch_port)) {
        throw InvalidFlows(rule + "bucket " + std::to_string(b) + " " +
                           in_quotes(group.buckets[b]) + ": watch_port " +
                           in_quotes(*parts.watch_port) + " is not a port");
      }
      if (auto problem = actions_problem(parts.actions)) {
        throw InvalidFlows(rule + "bucket " + std::to_string(b) + " " +
                           in_quotes(group.buckets[b]) + ": " + *problem);
      }
    }
  }

  std::set<std::tuple<std::uint8_t, std::uint16_t, std::string>> seen;
  for (const Flow& flow : set.flows) {
    const std::string rule = where + "flow " + in_quotes(describe(flow)) + ": ";
    if (flow.table > kMaxTable) {
      throw InvalidFlows(rule + "table 255 is not a table (flows live in 0 to 254)");
    }
    if (auto problem = match_problem(flow.match)) throw InvalidFlows(rule + *problem);
    if (auto problem = actions_problem(flow.actions)) throw InvalidFlows(rule + *problem);
    if (!seen.emplace(flow.table, flow.priority, std::string(trim(flow.match))).second) {
      throw InvalidFlows(rule + "another flow has the same table, priority and match");
    }
  }

  // Every group a flow or a bucket sends to must be in the set.
  auto check_references = [&](const std::string& actions, const std::string& rule) {
    for (const std::uint32_t id : referenced_groups(actions)) {
      if (!declared.count(id)) {
        throw InvalidFlows(rule + "group:" + std::to_string(id) +
                           " names a group the set does not declare");
      }
    }
  };
  for (const Flow& flow : set.flows) {
    check_references(flow.actions, where + "flow " + in_quotes(describe(flow)) + ": ");
  }
  for (const FlowGroup& group : set.groups) {
    for (const std::string& bucket : group.buckets) {
      check_references(bucket, where + "group " + std::to_string(group.id) + ": ");
    }
  }
}

}  // namespace mirari::openflow
