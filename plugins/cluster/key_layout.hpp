// Where the cluster plugin keeps things in etcd:
//   /mirari/<cluster>/hosts/<host>/ports/<port>     a port a host exports (under its lease)
//   /mirari/<cluster>/election/<role>/<lease hex>   a host's candidacy (value: the host's
//                                                    name; under its lease)
//   /mirari/<cluster>/led/<port>                    a port the leader of its role writes for
//                                                    the whole cluster (no lease: it outlives
//                                                    its writer, until the next leader writes)
// Anything else under /mirari/<cluster>/ is a foreign layout, which importers ignore.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace mirari::cluster {

inline std::string cluster_prefix(std::string_view cluster) {
  return "/mirari/" + std::string(cluster) + "/";
}

inline std::string hosts_prefix(std::string_view cluster) {
  return cluster_prefix(cluster) + "hosts/";
}

inline std::string election_prefix(std::string_view cluster, std::string_view role) {
  return cluster_prefix(cluster) + "election/" + std::string(role) + "/";
}

inline std::string ports_prefix(std::string_view cluster, std::string_view host) {
  return hosts_prefix(cluster) + std::string(host) + "/ports/";
}

inline std::string led_prefix(std::string_view cluster) {
  return cluster_prefix(cluster) + "led/";
}

struct PortKey {
  std::string host;
  std::string port;
};

// The host and port a key names, when it lies under hosts_prefix in the layout above.
inline std::optional<PortKey> parse_port_key(std::string_view key, std::string_view hosts) {
  if (key.substr(0, hosts.size()) != hosts) return std::nullopt;
  key.remove_prefix(hosts.size());
  const auto slash = key.find('/');
  if (slash == 0 || slash == std::string_view::npos) return std::nullopt;
  std::string_view host = key.substr(0, slash);
  std::string_view rest = key.substr(slash);
  constexpr std::string_view kPorts = "/ports/";
  if (rest.substr(0, kPorts.size()) != kPorts) return std::nullopt;
  std::string_view port = rest.substr(kPorts.size());
  if (port.empty() || port.find('/') != std::string_view::npos) return std::nullopt;
  return PortKey{std::string(host), std::string(port)};
}

// The port a key under led_prefix names, when it is one in the layout above.
inline std::optional<std::string> parse_led_key(std::string_view key, std::string_view led) {
  if (key.substr(0, led.size()) != led) return std::nullopt;
  key.remove_prefix(led.size());
  if (key.empty() || key.find('/') != std::string_view::npos) return std::nullopt;
  return std::string(key);
}

// The role a key under election_prefix names, when it is a candidacy in the layout above.
inline std::optional<std::string> parse_election_key(std::string_view key,
                                                     std::string_view cluster) {
  const std::string prefix = cluster_prefix(cluster) + "election/";
  if (key.substr(0, prefix.size()) != prefix) return std::nullopt;
  key.remove_prefix(prefix.size());
  const auto slash = key.find('/');
  if (slash == 0 || slash == std::string_view::npos || slash + 1 == key.size()) return std::nullopt;
  if (key.find('/', slash + 1) != std::string_view::npos) return std::nullopt;
  return std::string(key.substr(0, slash));
}

// Whether name can stand in a key and a port name: letters, digits, '-' and '_'.
inline bool valid_name(std::string_view name) {
  if (name.empty()) return false;
  for (char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '_';
    if (!ok) return false;
  }
  return true;
}

}  // namespace mirari::cluster
