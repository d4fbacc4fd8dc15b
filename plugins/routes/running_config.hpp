// Reading what an FRR instance holds of the plugin's out of its running configuration
// (`show running-config`). The text comes from another program and is parsed defensively:
// any input gives a result, and lines the parser does not understand are not the plugin's.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include <mirari/ports/routes.hpp>

#include "frr_marks.hpp"

namespace mirari::routes {

struct FrrConfig {
  // The static routes carrying marks.tag (metric: the distance, 1 when not written) and the
  // prefixes of network statements carrying marks.route_map, both sorted.
  ports::routes::RouterRoutes held;
  std::optional<std::uint32_t> asn;  // the default VRF's `router bgp N`, when there is one
};

FrrConfig parse_running_config(std::string_view text, const FrrMarks& marks);

}  // namespace mirari::routes
