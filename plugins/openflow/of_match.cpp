#include "of_match.hpp"

#include <algorithm>
#include <array>
#include <map>
#include <string>
#include <tuple>
#include <vector>

#include "flow_validator.hpp"

namespace mirari::openflow {

namespace {

struct Protocol {
  std::string_view keyword;
  std::uint16_t eth_type;
  std::uint8_t ip_proto;  // 0: none
};

constexpr std::array<Protocol, 9> kProtocols = {{{"ip", kEthIp, 0},
                                                 {"ipv6", kEthIpv6, 0},
                                                 {"arp", kEthArp, 0},
                                                 {"tcp", kEthIp, 6},
                                                 {"udp", kEthIp, 17},
                                                 {"icmp", kEthIp, 1},
                                                 {"tcp6", kEthIpv6, 6},
                                                 {"udp6", kEthIpv6, 17},
                                                 {"icmp6", kEthIpv6, 58}}};

struct Entry {
  const FieldSpec* spec;
  FieldValue value;
};

std::optional<std::uint64_t> exact_number(const std::map<std::string, Entry>& entries,
                                          const std::string& key) {
  const auto found = entries.find(key);
  if (found == entries.end() || !found->second.value.mask.empty()) return std::nullopt;
  std::uint64_t n = 0;
  for (const std::uint8_t byte : found->second.value.value) n = n << 8 | byte;
  return n;
}

// Whether entries hold what spec needs before it.
bool prerequisites_met(const FieldSpec& spec, std::optional<std::uint64_t> eth_type,
                       std::optional<std::uint64_t> ip_proto) {
  if (spec.eth_type == kEthIpAny) {
    if (eth_type != kEthIp && eth_type != kEthIpv6) return false;
  } else if (spec.eth_type != 0 && eth_type != spec.eth_type) {
    return false;
  }
  return spec.ip_proto == 0 || ip_proto == spec.ip_proto;
}

}  // namespace

std::optional<wire::Bytes> encode_match(std::string_view match, const PortNumbers& ports) {
  // Keyed by OXM class and field, so that a field written twice (or under two names) is seen.
  std::map<std::string, Entry> entries;
  const auto add = [&](const FieldSpec& spec, FieldValue value) {
    const std::string key = std::to_string(spec.oxm_class) + ":" + std::to_string(spec.field);
    return entries.emplace(key, Entry{&spec, std::move(value)}).second;
  };
  const std::string eth_key = "32768:5", proto_key = "32768:10";

  std::vector<std::pair<std::string_view, std::string_view>> transport;  // tp_src, tp_dst
  const auto items = rule_items(match);
  if (!items) return std::nullopt;
  for (const std::string_view item : *items) {
    if (item.empty()) {
      if (items->size() == 1) break;  // an empty match
      return std::nullopt;
    }
    const std::size_t eq = item.find('=');
    if (eq == std::string_view::npos) {
      const auto protocol = std::find_if(kProtocols.begin(), kProtocols.end(),
                                         [item](const Protocol& p) { return p.keyword == item; });
      if (protocol == kProtocols.end()) return std::nullopt;
      if (!add(*field_spec("eth_type"),
               FieldValue{{static_cast<std::uint8_t>(protocol->eth_type >> 8),
                           static_cast<std::uint8_t>(protocol->eth_type)},
                          {}})) {
        return std::nullopt;
      }
      if (protocol->ip_proto != 0 &&
          !add(*field_spec("ip_proto"), FieldValue{{protocol->ip_proto}, {}})) {
        return std::nullopt;
      }
      continue;
    }
    const std::string_view name = item.substr(0, eq), text = item.substr(eq + 1);
    if (name == "tp_src" || name == "tp_dst") {
      transport.emplace_back(name, text);
      continue;
    }
    const FieldSpec* spec = field_spec(name);
    if (spec == nullptr) return std::nullopt;
    auto value = field_value(*spec, text, ports, true);
    if (!value) return std::nullopt;
    if (value->wildcard()) continue;  // ovs-ofctl drops a field that matches anything
    if (!add(*spec, std::move(*value))) return std::nullopt;
  }

  const auto eth_type = exact_number(entries, eth_key);
  const auto ip_proto = exact_number(entries, proto_key);
  // tp_src and tp_dst are TCP's or UDP's ports, after the protocol the match names.
  for (const auto& [name, text] : transport) {
    const std::string_view layer = ip_proto == 6 ? "tcp" : ip_proto == 17 ? "udp" : "";
    if (layer.empty()) return std::nullopt;
    const FieldSpec* spec = field_spec(std::string(layer) + std::string(name.substr(2)));
    auto value = field_value(*spec, text, ports, false);
    if (!value || !add(*spec, std::move(*value))) return std::nullopt;
  }

  std::vector<const Entry*> ordered;
  for (const auto& [key, entry] : entries) {
    if (!prerequisites_met(*entry.spec, eth_type, ip_proto)) return std::nullopt;
    ordered.push_back(&entry);
  }
  std::stable_sort(ordered.begin(), ordered.end(), [](const Entry* a, const Entry* b) {
    return std::tie(a->spec->order, a->spec->oxm_class, a->spec->field) <
           std::tie(b->spec->order, b->spec->oxm_class, b->spec->field);
  });
  wire::Bytes out;
  wire::put16(out, 1);  // OFPMT_OXM
  wire::put16(out, 0);
  for (const Entry* entry : ordered) {
    const wire::Bytes oxm = oxm_entry(*entry->spec, entry->value);
    out.insert(out.end(), oxm.begin(), oxm.end());
  }
  // The length counts the header and the entries, not the padding.
  out[2] = static_cast<std::uint8_t>(out.size() >> 8);
  out[3] = static_cast<std::uint8_t>(out.size());
  wire::pad8(out, 0);
  return out;
}

}  // namespace mirari::openflow
