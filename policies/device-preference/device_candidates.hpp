// Which devices a binding may use right now, and in what order it prefers them.
//
// A link is a candidate while it is up with a carrier and its name matches one of the
// binding's patterns (with no patterns: any link but lo, the binding's bridge and the app's
// port). Links are ranked by the first pattern they match, then (fastest = true) by
// speed_mbps, highest first (a link whose driver reports none counts as 0), then by ifindex.
//
// A disk is a candidate while it is writable, holds at least min_size_bytes (and more than
// nothing) and its name matches one of the patterns (with none: any disk). Disks are ranked by
// the first pattern they match, then (non_rotational = true) solid-state before spinning, then
// by size, largest first, then by name.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <tuple>

#include <mirari/ports/block.hpp>
#include <mirari/ports/net.hpp>

#include "binding_options.hpp"

namespace mirari::policies {

// Lower ranks are better.
using DeviceRank = std::tuple<std::size_t, std::int64_t, std::int64_t, std::string>;

// The candidates of binding, by name.
using Candidates = std::map<std::string, DeviceRank>;

Candidates link_candidates(const Binding& binding, const ports::net::Links& links);
Candidates disk_candidates(const Binding& binding, const ports::block::Devices& devices);

}  // namespace mirari::policies
