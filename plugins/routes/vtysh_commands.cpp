#include "vtysh_commands.hpp"

namespace mirari::routes {

namespace {

bool ipv6(const std::string& prefix) {
  return prefix.find(':') != std::string::npos;
}

void network_statements(std::vector<std::string>& out, const RouteChanges& changes,
                        const FrrMarks& marks, bool family_v6) {
  std::vector<std::string> lines;
  for (const std::string& p : changes.withdraw) {
    if (ipv6(p) == family_v6) lines.push_back("no network " + p + " route-map " + marks.route_map);
  }
  for (const std::string& p : changes.announce) {
    if (ipv6(p) == family_v6) lines.push_back("network " + p + " route-map " + marks.route_map);
  }
  if (lines.empty()) return;
  out.push_back(family_v6 ? "address-family ipv6 unicast" : "address-family ipv4 unicast");
  out.insert(out.end(), lines.begin(), lines.end());
  out.push_back("exit-address-family");
}

}  // namespace

std::string static_route_line(const ports::routes::Route& route, const FrrMarks& marks) {
  std::string line = (ipv6(route.prefix) ? "ipv6 route " : "ip route ") + route.prefix;
  if (!route.via.empty()) line += " " + route.via;
  if (!route.device.empty()) line += " " + route.device;
  // Appended piece by piece: GCC 12 at -O3 warns (-Wrestrict, a false positive, GCC bug
  // 105329) on " " + std::to_string(...).
  line += " tag ";
  line += std::to_string(marks.tag);
  if (route.metric > 1) {
    line += ' ';
    line += std::to_string(route.metric);
  }
  return line;
}

std::vector<std::string> vtysh_commands(const RouteChanges& changes, const FrrMarks& marks,
                                        std::uint32_t asn) {
  if (changes.empty()) return {};
  std::vector<std::string> out{"configure terminal"};
  for (const auto& r : changes.remove) out.push_back("no " + static_route_line(r, marks));
  for (const auto& r : changes.add) out.push_back(static_route_line(r, marks));
  if (!changes.withdraw.empty() || !changes.announce.empty()) {
    // The route-map lets every prefix through; it is there to mark the statements.
    out.push_back("route-map " + marks.route_map + " permit 1");
    out.push_back("exit");
    out.push_back("router bgp " + std::to_string(asn));
    network_statements(out, changes, marks, false);
    network_statements(out, changes, marks, true);
    out.push_back("exit");
  }
  return out;
}

}  // namespace mirari::routes
