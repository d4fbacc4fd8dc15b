#include "device_candidates.hpp"

#include <optional>

#include "name_patterns.hpp"

namespace mirari::policies {

namespace {

std::optional<std::size_t> rank_of_name(const Binding& b, const std::string& name) {
  if (!b.prefer.empty()) return pattern_rank(b.prefer, name);
  return std::size_t{0};
}

}  // namespace

Candidates link_candidates(const Binding& b, const ports::net::Links& links) {
  Candidates out;
  for (const auto& [index, link] : links) {
    if (!link.up || !link.carrier) continue;
    if (b.prefer.empty() &&
        (link.name == "lo" || link.name == b.flows.bridge || link.name == b.flows.app_port)) {
      continue;
    }
    const std::optional<std::size_t> rank = rank_of_name(b, link.name);
    if (!rank) continue;
    const std::int64_t speed = b.fastest ? -std::int64_t{link.speed_mbps.value_or(0)} : 0;
    out.emplace(link.name, DeviceRank{*rank, speed, index, link.name});
  }
  return out;
}

Candidates disk_candidates(const Binding& b, const ports::block::Devices& devices) {
  Candidates out;
  for (const auto& [name, disk] : devices) {
    if (disk.read_only || disk.size_bytes == 0 || disk.size_bytes < b.min_size_bytes) continue;
    const std::optional<std::size_t> rank = rank_of_name(b, name);
    if (!rank) continue;
    const std::int64_t spinning = b.non_rotational && disk.rotational ? 1 : 0;
    const std::int64_t size = -static_cast<std::int64_t>(disk.size_bytes / 2);
    out.emplace(name, DeviceRank{*rank, spinning, size, name});
  }
  return out;
}

}  // namespace mirari::policies
