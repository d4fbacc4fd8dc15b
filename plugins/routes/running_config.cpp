#include "running_config.hpp"

#include <algorithm>
#include <charconv>
#include <string>
#include <vector>

#include "route_text.hpp"

namespace mirari::routes {

namespace {

using ports::routes::Route;

std::vector<std::string_view> words(std::string_view line) {
  std::vector<std::string_view> out;
  std::size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t' || line[i] == '\r')) ++i;
    const std::size_t start = i;
    while (i < line.size() && line[i] != ' ' && line[i] != '\t' && line[i] != '\r') ++i;
    if (i > start) out.push_back(line.substr(start, i - start));
  }
  return out;
}

std::optional<std::uint32_t> number(std::string_view text) {
  std::uint32_t value = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || ptr != text.data() + text.size()) return std::nullopt;
  return value;
}

std::optional<std::string> prefix_text(std::string_view text) {
  try {
    return parse_prefix(std::string(text)).text;
  } catch (const RouteTextError&) {
    return std::nullopt;
  }
}

// "ip route P [VIA] [DEV] tag T [DISTANCE]": the plugin's when T is its tag and nothing
// else is on the line.
std::optional<Route> static_route(const std::vector<std::string_view>& w, const FrrMarks& marks) {
  if (w.size() < 5 || w[1] != "route") return std::nullopt;
  auto prefix = prefix_text(w[2]);
  if (!prefix) return std::nullopt;
  Route r{*prefix, "", "", 1};
  std::size_t i = 3;
  if (i < w.size() && w[i] != "tag") {
    r.via = address_or_empty(std::string(w[i]));
    if (r.via.empty()) r.device = std::string(w[i]);
    ++i;
  }
  if (r.device.empty() && !r.via.empty() && i < w.size() && w[i] != "tag") {
    r.device = std::string(w[i]);
    ++i;
  }
  if (r.device.empty() ? r.via.empty() : !interface_name(r.device)) return std::nullopt;
  if (i + 1 >= w.size() || w[i] != "tag" || number(w[i + 1]) != marks.tag) return std::nullopt;
  i += 2;
  if (i < w.size()) {
    auto distance = number(w[i]);
    if (!distance || *distance < 1 || *distance > 255) return std::nullopt;
    r.metric = *distance;
    ++i;
  }
  if (i != w.size()) return std::nullopt;
  return r;
}

}  // namespace

FrrConfig parse_running_config(std::string_view text, const FrrMarks& marks) {
  FrrConfig out;
  bool in_bgp = false;     // inside the default VRF's `router bgp`
  bool in_family = false;  // inside one of its ipv4/ipv6 unicast address families
  while (!text.empty()) {
    const std::size_t end = std::min(text.find('\n'), text.size());
    const std::string_view line = text.substr(0, end);
    text.remove_prefix(std::min(end + 1, text.size()));
    const std::vector<std::string_view> w = words(line);
    if (w.empty() || w[0] == "!") continue;
    const bool top_level = line.front() != ' ' && line.front() != '\t';

    if (top_level) {
      in_bgp = false;
      in_family = false;
      if ((w[0] == "ip" || w[0] == "ipv6") && w.size() >= 2) {
        auto r = static_route(w, marks);
        // The family of the keyword and of the prefix agree, or FRR would not have taken it.
        if (r && (w[0] == "ipv6") == (r->prefix.find(':') != std::string::npos)) {
          out.held.routes.push_back(std::move(*r));
        }
      } else if (w[0] == "router" && w.size() == 3 && w[1] == "bgp") {
        if (auto asn = number(w[2])) {
          in_bgp = true;
          out.asn = asn;
        }
      }
      continue;
    }
    if (!in_bgp) continue;
    if (w[0] == "address-family" && w.size() == 3 && (w[1] == "ipv4" || w[1] == "ipv6") &&
        w[2] == "unicast") {
      in_family = true;
    } else if (w[0] == "exit-address-family") {
      in_family = false;
    } else if (in_family && w[0] == "network" && w.size() == 4 && w[2] == "route-map" &&
               w[3] == marks.route_map) {
      if (auto prefix = prefix_text(w[1])) out.held.announce.push_back(*prefix);
    }
  }
  std::sort(out.held.routes.begin(), out.held.routes.end());
  std::sort(out.held.announce.begin(), out.held.announce.end());
  out.held.announce.erase(std::unique(out.held.announce.begin(), out.held.announce.end()),
                          out.held.announce.end());
  return out;
}

}  // namespace mirari::routes
