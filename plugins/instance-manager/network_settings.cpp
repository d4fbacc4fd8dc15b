#include "network_settings.hpp"

#include <arpa/inet.h>
#include <sys/socket.h>

#include <charconv>

#include "xen_domain_config.hpp"

namespace mirari::instances {

namespace {

constexpr std::int64_t kMaxDrainMs = 86'400'000;  // a day
// Offsets into an IPv6 prefix stay below this, so they fit the address's low 64 bits.
constexpr std::uint64_t kMaxOffset = std::uint64_t{1} << 62;

std::size_t size_of(int family) {
  return family == AF_INET ? 4 : 16;
}

std::optional<std::array<std::uint8_t, 16>> parse_address(int family, const std::string& text) {
  std::array<std::uint8_t, 16> bytes{};
  if (::inet_pton(family, text.c_str(), bytes.data()) != 1) return std::nullopt;
  return bytes;
}

std::string format_address(int family, const std::array<std::uint8_t, 16>& bytes) {
  char text[INET6_ADDRSTRLEN] = {};
  ::inet_ntop(family, bytes.data(), text, sizeof text);
  return text;
}

bool inside(const IpPrefix& prefix, const std::array<std::uint8_t, 16>& address) {
  for (unsigned bit = 0; bit < prefix.length; ++bit) {
    const unsigned byte = bit / 8;
    const auto mask = static_cast<std::uint8_t>(0x80U >> (bit % 8));
    if ((prefix.bytes[byte] & mask) != (address[byte] & mask)) return false;
  }
  return true;
}

bool host_bits_clear(const IpPrefix& prefix) {
  for (unsigned bit = prefix.length; bit < size_of(prefix.family) * 8; ++bit) {
    if (prefix.bytes[bit / 8] & (0x80U >> (bit % 8))) return false;
  }
  return true;
}

// The address's offset from the prefix's, when it fits the low 64 bits.
std::optional<std::uint64_t> offset_of(const IpPrefix& prefix,
                                       const std::array<std::uint8_t, 16>& address) {
  const std::size_t size = size_of(prefix.family);
  const std::size_t low = size - std::min<std::size_t>(size, 8);
  for (std::size_t i = 0; i < low; ++i) {
    if (address[i] != prefix.bytes[i]) return std::nullopt;
  }
  std::uint64_t offset = 0;
  for (std::size_t i = low; i < size; ++i) {
    offset = (offset << 8) | static_cast<std::uint8_t>(address[i] - prefix.bytes[i]);
  }
  return offset;
}

// The usable offsets are 1 to last_offset (IPv4: the broadcast address excluded).
std::uint64_t last_offset(const IpPrefix& prefix) {
  const unsigned host_bits = static_cast<unsigned>(size_of(prefix.family) * 8) - prefix.length;
  if (host_bits >= 63) return kMaxOffset;
  const std::uint64_t count = std::uint64_t{1} << host_bits;
  return prefix.family == AF_INET ? count - 2 : count - 1;
}

std::optional<std::uint64_t> gateway_offset(const NetworkSettings& settings) {
  if (!settings.gateway) return std::nullopt;
  const auto bytes = parse_address(settings.prefix.family, *settings.gateway);
  return bytes ? offset_of(settings.prefix, *bytes) : std::nullopt;
}

IpPrefix parse_prefix(const Config& table) {
  const std::string key = table.path_of("prefix");
  const std::string& text = table.get<std::string>("prefix");
  const auto refuse = [&](const std::string& why) {
    throw ConfigError(key + " '" + text + "' " + why, key);
  };
  const std::size_t slash = text.find('/');
  if (slash == std::string::npos) refuse("is not a prefix (ADDRESS/LENGTH, e.g. 192.0.2.0/24)");
  const std::string address = text.substr(0, slash);
  IpPrefix prefix;
  prefix.family = address.find(':') != std::string::npos ? AF_INET6 : AF_INET;
  const auto bytes = parse_address(prefix.family, address);
  if (!bytes) refuse("does not start with an IPv4 or IPv6 address");
  prefix.bytes = *bytes;
  const char* first = text.data() + slash + 1;
  const char* end = text.data() + text.size();
  const auto [last, error] = std::from_chars(first, end, prefix.length);
  const unsigned max_length = prefix.family == AF_INET ? 30 : 126;
  if (error != std::errc() || last != end || first == end) refuse("has no prefix length");
  if (prefix.length > max_length) {
    refuse("is too small to hold an instance: its length must be at most " +
           std::to_string(max_length));
  }
  if (!host_bits_clear(prefix)) refuse("has host bits set");
  return prefix;
}

}  // namespace

std::string to_string(const IpPrefix& prefix) {
  return format_address(prefix.family, prefix.bytes) + "/" + std::to_string(prefix.length);
}

std::vector<ConfigKey> network_config_keys() {
  return {
      ConfigKey::optional("bridge", std::string(),
                          "host bridge each instance's port joins; empty: instances share the "
                          "host's network"),
      ConfigKey::optional("switch", std::string("linux"),
                          "what the bridge is: linux (a Linux bridge) or ovs (an Open vSwitch "
                          "bridge)"),
      ConfigKey::optional("ovs_db", std::string("unix:/var/run/openvswitch/db.sock"),
                          "switch ovs: how ovs-vsctl reaches ovsdb (unix:PATH, tcp:IP:PORT, "
                          "ssl:IP:PORT)"),
      ConfigKey::optional("prefix", std::string(),
                          "CIDR prefix the instances' addresses come from, one per instance by "
                          "its number"),
      ConfigKey::optional("gateway", std::string(),
                          "address inside prefix the instances' default route goes through; "
                          "empty: no default route"),
      ConfigKey::optional("drain_ms", std::int64_t{0},
                          "how long an instance chosen to stop shows as stopping before it gets "
                          "SIGTERM"),
  };
}

NetworkSettings parse_network(const Config& table) {
  NetworkSettings s;
  s.bridge = table.get<std::string>("bridge");
  const std::string& kind = table.get<std::string>("switch");
  if (kind == "linux") {
    s.kind = SwitchKind::linux_bridge;
  } else if (kind == "ovs") {
    s.kind = SwitchKind::ovs;
  } else {
    throw ConfigError(table.path_of("switch") + " '" + kind + "' is not linux or ovs",
                      table.path_of("switch"));
  }
  s.ovs_db = table.get<std::string>("ovs_db");
  if (s.ovs_db.rfind("unix:/", 0) != 0 && s.ovs_db.rfind("tcp:", 0) != 0 &&
      s.ovs_db.rfind("ssl:", 0) != 0) {
    throw ConfigError(table.path_of("ovs_db") + " '" + s.ovs_db +
                          "' is not unix:/PATH, tcp:IP:PORT or ssl:IP:PORT",
                      table.path_of("ovs_db"));
  }
  const std::int64_t drain = table.integer("drain_ms", 0, kMaxDrainMs, "milliseconds");
  s.drain = std::chrono::milliseconds(drain);

  const std::string& gateway = table.get<std::string>("gateway");
  if (s.bridge.empty()) {
    for (const char* key : {"prefix", "gateway"}) {
      if (!table.get<std::string>(key).empty()) {
        throw ConfigError(table.path_of(key) + " is given without " + table.path_of("bridge") +
                              ": name the bridge the instances' ports join",
                          table.path_of("bridge"));
      }
    }
    if (s.kind == SwitchKind::ovs) {
      throw ConfigError(
          table.path_of("switch") + " is ovs but no " + table.path_of("bridge") + " is named",
          table.path_of("bridge"));
    }
    return s;
  }
  if (!is_bridge_name(s.bridge)) {
    throw ConfigError(table.path_of("bridge") + " '" + s.bridge +
                          "' is not an interface name (1 to 15 bytes, no '/', ':', space or "
                          "control character)",
                      table.path_of("bridge"));
  }
  if (table.get<std::string>("prefix").empty()) {
    throw ConfigError(table.path_of("prefix") +
                          " is required with a bridge: the prefix the instances' addresses "
                          "come from (e.g. 192.0.2.0/24)",
                      table.path_of("prefix"));
  }
  s.prefix = parse_prefix(table);
  if (!gateway.empty()) {
    const std::string key = table.path_of("gateway");
    const auto bytes = parse_address(s.prefix.family, gateway);
    if (!bytes) {
      throw ConfigError(key + " '" + gateway + "' is not an " +
                            (s.prefix.family == AF_INET ? "IPv4" : "IPv6") + " address, as " +
                            table.path_of("prefix") + " is",
                        key);
    }
    if (!inside(s.prefix, *bytes)) {
      throw ConfigError(key + " '" + gateway + "' is not inside " + to_string(s.prefix), key);
    }
    const auto offset = offset_of(s.prefix, *bytes);
    const bool broadcast = s.prefix.family == AF_INET && offset && *offset > last_offset(s.prefix);
    if ((offset && *offset == 0) || broadcast) {
      throw ConfigError(
          key + " '" + gateway + "' is the network or broadcast address of " + to_string(s.prefix),
          key);
    }
    s.gateway = gateway;
  }
  return s;
}

std::string instance_address(const NetworkSettings& settings, std::uint64_t serial) {
  const std::optional<std::uint64_t> gateway = gateway_offset(settings);
  const std::uint64_t last = last_offset(settings.prefix);
  const bool skips = gateway && *gateway >= 1 && *gateway <= last;
  const std::uint64_t count = skips ? last - 1 : last;
  std::uint64_t offset = (serial == 0 ? 0 : (serial - 1) % count) + 1;
  if (skips && offset >= *gateway) ++offset;
  std::array<std::uint8_t, 16> bytes = settings.prefix.bytes;
  for (std::size_t i = size_of(settings.prefix.family); i-- > 0 && offset != 0;) {
    const unsigned sum = bytes[i] + static_cast<unsigned>(offset & 0xFF);
    bytes[i] = static_cast<std::uint8_t>(sum);
    offset = (offset >> 8) + (sum >> 8);
  }
  return format_address(settings.prefix.family, bytes);
}

}  // namespace mirari::instances
