#include "host_uplink.hpp"

#include <algorithm>
#include <tuple>

#include "ip_prefix.hpp"
#include "name_patterns.hpp"

namespace mirari::policies {

namespace {

// The link's view as an uplink: none when it has no routable address.
std::optional<HostUplink> as_uplink(const ports::net::Link& link) {
  HostUplink u;
  u.link = link.name;
  for (const ports::net::Address& a : link.addresses) {
    const std::optional<std::string> network = routable_network(a);
    if (!network) continue;
    u.networks.push_back(*network);
    std::string& first = a.family == ports::ip::Family::ipv4 ? u.ipv4 : u.ipv6;
    if (first.empty()) first = a.address;
  }
  if (u.networks.empty()) return std::nullopt;
  std::sort(u.networks.begin(), u.networks.end());
  u.networks.erase(std::unique(u.networks.begin(), u.networks.end()), u.networks.end());
  return u;
}

}  // namespace

std::optional<HostUplink> host_uplink(const HostTopology& host, const ports::net::Links& links) {
  std::optional<std::tuple<std::size_t, int>> best_rank;
  std::optional<HostUplink> best;
  for (const auto& [index, link] : links) {
    if (!link.up || !link.carrier) continue;
    const std::optional<std::size_t> rank = pattern_rank(host.uplinks, link.name);
    if (!rank) continue;
    const std::tuple<std::size_t, int> key{*rank, index};
    if (best_rank && !(key < *best_rank)) continue;
    if (std::optional<HostUplink> u = as_uplink(link)) {
      best_rank = key;
      best = std::move(u);
    }
  }
  return best;
}

}  // namespace mirari::policies
