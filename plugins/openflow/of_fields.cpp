#include "of_fields.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <utility>

namespace mirari::openflow {

namespace {

using Kind = FieldSpec::Kind;

// Field, then its spec. Orders: in_port, metadata, registers, Ethernet, eth_type, VLAN,
// ip_proto, then what needs them.
const std::array<std::pair<std::string_view, FieldSpec>, 30>& known_fields() {
  static const std::array<std::pair<std::string_view, FieldSpec>, 30> fields = {{
      {"in_port", {0x8000, 0, 4, Kind::port, false, 0, 0, 0}},
      {"metadata", {0x8000, 2, 8, Kind::integer, true, 0, 0, 1}},
      {"reg0", {0x0001, 0, 4, Kind::integer, true, 0, 0, 2}},
      {"reg1", {0x0001, 1, 4, Kind::integer, true, 0, 0, 2}},
      {"reg2", {0x0001, 2, 4, Kind::integer, true, 0, 0, 2}},
      {"reg3", {0x0001, 3, 4, Kind::integer, true, 0, 0, 2}},
      {"reg4", {0x0001, 4, 4, Kind::integer, true, 0, 0, 2}},
      {"reg5", {0x0001, 5, 4, Kind::integer, true, 0, 0, 2}},
      {"reg6", {0x0001, 6, 4, Kind::integer, true, 0, 0, 2}},
      {"reg7", {0x0001, 7, 4, Kind::integer, true, 0, 0, 2}},
      {"eth_dst", {0x8000, 3, 6, Kind::mac, true, 0, 0, 3}},
      {"dl_dst", {0x8000, 3, 6, Kind::mac, true, 0, 0, 3}},
      {"eth_src", {0x8000, 4, 6, Kind::mac, true, 0, 0, 3}},
      {"dl_src", {0x8000, 4, 6, Kind::mac, true, 0, 0, 3}},
      {"eth_type", {0x8000, 5, 2, Kind::integer, false, 0, 0, 4}},
      {"dl_type", {0x8000, 5, 2, Kind::integer, false, 0, 0, 4}},
      {"vlan_vid", {0x8000, 6, 2, Kind::vid, false, 0, 0, 5}},
      {"dl_vlan", {0x8000, 6, 2, Kind::vlan, false, 0, 0, 5}},
      {"ip_proto", {0x8000, 10, 1, Kind::integer, false, kEthIpAny, 0, 6}},
      {"nw_proto", {0x8000, 10, 1, Kind::integer, false, kEthIpAny, 0, 6}},
      {"ip_src", {0x8000, 11, 4, Kind::ipv4, true, kEthIp, 0, 7}},
      {"nw_src", {0x8000, 11, 4, Kind::ipv4, true, kEthIp, 0, 7}},
      {"ip_dst", {0x8000, 12, 4, Kind::ipv4, true, kEthIp, 0, 7}},
      {"nw_dst", {0x8000, 12, 4, Kind::ipv4, true, kEthIp, 0, 7}},
      {"tcp_src", {0x8000, 13, 2, Kind::integer, false, kEthIpAny, 6, 7}},
      {"tcp_dst", {0x8000, 14, 2, Kind::integer, false, kEthIpAny, 6, 7}},
      {"udp_src", {0x8000, 15, 2, Kind::integer, false, kEthIpAny, 17, 7}},
      {"udp_dst", {0x8000, 16, 2, Kind::integer, false, kEthIpAny, 17, 7}},
      {"ipv6_src", {0x8000, 26, 16, Kind::ipv6, true, kEthIpv6, 0, 7}},
      {"ipv6_dst", {0x8000, 27, 16, Kind::ipv6, true, kEthIpv6, 0, 7}},
  }};
  return fields;
}

const std::array<std::pair<std::string_view, FieldSpec>, 3>& arp_fields() {
  static const std::array<std::pair<std::string_view, FieldSpec>, 3> fields = {{
      {"arp_op", {0x8000, 21, 2, Kind::integer, false, kEthArp, 0, 7}},
      {"arp_spa", {0x8000, 22, 4, Kind::ipv4, true, kEthArp, 0, 7}},
      {"arp_tpa", {0x8000, 23, 4, Kind::ipv4, true, kEthArp, 0, 7}},
  }};
  return fields;
}

// An unsigned number, decimal or 0x-hexadecimal, that fits in width bytes.
std::optional<std::uint64_t> number(std::string_view text, std::size_t width) {
  int base = 10;
  if (text.size() > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) {
    text.remove_prefix(2);
    base = 16;
  }
  if (text.empty()) return std::nullopt;
  std::uint64_t n = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n, base);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  if (width < 8 && n >> (8 * width) != 0) return std::nullopt;
  return n;
}

wire::Bytes big_endian(std::uint64_t n, std::size_t width) {
  wire::Bytes out(width);
  for (std::size_t i = 0; i < width; ++i)
    out[width - 1 - i] = static_cast<std::uint8_t>(n >> (8 * i));
  return out;
}

std::optional<wire::Bytes> mac(std::string_view text) {
  if (text.size() != 17) return std::nullopt;
  wire::Bytes out;
  for (std::size_t i = 0; i < 6; ++i) {
    if (i > 0 && text[3 * i - 1] != ':') return std::nullopt;
    const std::string_view pair = text.substr(3 * i, 2);
    if (!std::isxdigit(static_cast<unsigned char>(pair[0])) ||
        !std::isxdigit(static_cast<unsigned char>(pair[1]))) {
      return std::nullopt;
    }
    std::uint8_t byte = 0;
    std::from_chars(pair.data(), pair.data() + 2, byte, 16);
    out.push_back(byte);
  }
  return out;
}

std::optional<wire::Bytes> address(std::string_view text, Kind kind) {
  const std::string copy(text);
  wire::Bytes out(kind == Kind::ipv4 ? 4 : 16);
  if (::inet_pton(kind == Kind::ipv4 ? AF_INET : AF_INET6, copy.c_str(), out.data()) != 1) {
    return std::nullopt;
  }
  return out;
}

std::optional<wire::Bytes> prefix_mask(std::string_view text, std::size_t width) {
  const auto bits = number(text, 2);
  if (!bits || *bits > 8 * width || text.starts_with("0x")) return std::nullopt;
  wire::Bytes out(width);
  for (std::size_t i = 0; i < *bits; ++i) out[i / 8] |= static_cast<std::uint8_t>(0x80 >> (i % 8));
  return out;
}

// The value alone (no mask) of spec.
std::optional<wire::Bytes> plain(const FieldSpec& spec, std::string_view text,
                                 const PortNumbers& ports) {
  switch (spec.kind) {
    case Kind::integer:
      if (auto n = number(text, spec.width)) return big_endian(*n, spec.width);
      return std::nullopt;
    case Kind::vlan:
      // ovs-ofctl reads vlan_vid=N and dl_vlan=N as "a VLAN header with VID N".
      if (auto n = number(text, 2); n && *n < 4096) return big_endian(*n | 0x1000, 2);
      return std::nullopt;
    case Kind::vid:
      // vlan_vid=N is OXM's VLAN_VID itself: 13 bits, the 0x1000 bit saying a header is there.
      if (auto n = number(text, 2); n && *n < 0x2000) return big_endian(*n, 2);
      return std::nullopt;
    case Kind::port:
      if (auto n = port_number(text, ports)) return big_endian(*n, 4);
      return std::nullopt;
    case Kind::mac:
      return mac(text);
    case Kind::ipv4:
    case Kind::ipv6:
      return address(text, spec.kind);
  }
  return std::nullopt;
}

}  // namespace

bool FieldValue::wildcard() const {
  return !mask.empty() && std::all_of(mask.begin(), mask.end(), [](auto b) { return b == 0; });
}

const FieldSpec* field_spec(std::string_view name) {
  for (const auto& [known, spec] : known_fields()) {
    if (known == name) return &spec;
  }
  for (const auto& [known, spec] : arp_fields()) {
    if (known == name) return &spec;
  }
  return nullptr;
}

std::optional<std::uint32_t> port_number(std::string_view text, const PortNumbers& ports) {
  if (!text.empty() && std::isdigit(static_cast<unsigned char>(text.front()))) {
    // ovs-ofctl takes a number below OpenFlow 1.0's OFPP_MAX as the port itself.
    const auto n = number(text, 4);
    if (n && *n < 0xff00) return static_cast<std::uint32_t>(*n);
    return std::nullopt;
  }
  std::string upper(text);
  std::transform(upper.begin(), upper.end(), upper.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  if (upper == "LOCAL") return wire::kPortLocal;
  const auto found = ports.find(std::string(text));
  if (found == ports.end()) return std::nullopt;
  return found->second;
}

std::optional<FieldValue> field_value(const FieldSpec& spec, std::string_view text,
                                      const PortNumbers& ports, bool masks) {
  const std::size_t slash = text.find('/');
  auto value = plain(spec, text.substr(0, slash), ports);
  if (!value) return std::nullopt;
  FieldValue out{std::move(*value), {}};
  if (slash == std::string_view::npos) return out;
  if (!masks || !spec.maskable) return std::nullopt;
  const std::string_view mask_text = text.substr(slash + 1);
  std::optional<wire::Bytes> mask;
  if (spec.kind == Kind::ipv4 || spec.kind == Kind::ipv6) {
    mask = mask_text.find_first_of(".:") == std::string_view::npos
               ? prefix_mask(mask_text, spec.width)
               : address(mask_text, spec.kind);
  } else if (spec.kind == Kind::mac) {
    mask = mac(mask_text);
  } else if (auto n = number(mask_text, spec.width)) {
    mask = big_endian(*n, spec.width);
  }
  if (!mask) return std::nullopt;
  for (std::size_t i = 0; i < spec.width; ++i) out.value[i] &= (*mask)[i];
  if (std::all_of(mask->begin(), mask->end(), [](auto b) { return b == 0xff; })) return out;
  out.mask = std::move(*mask);
  return out;
}

wire::Bytes oxm_entry(const FieldSpec& spec, const FieldValue& value) {
  wire::Bytes out;
  const bool masked = !value.mask.empty();
  wire::put16(out, spec.oxm_class);
  wire::put8(out, static_cast<std::uint8_t>(spec.field << 1 | (masked ? 1 : 0)));
  wire::put8(out, static_cast<std::uint8_t>(spec.width * (masked ? 2 : 1)));
  out.insert(out.end(), value.value.begin(), value.value.end());
  out.insert(out.end(), value.mask.begin(), value.mask.end());
  return out;
}

}  // namespace mirari::openflow
