// Device names matched against glob patterns listed best first, as the device-preference and
// route-propagation policies take them from their configuration ("eth*", "enp?s0", "loop[0-3]";
// fnmatch(3) without flags).
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace mirari::policies {

// The position of the first pattern of patterns that name matches; none when none does.
std::optional<std::size_t> pattern_rank(const std::vector<std::string>& patterns,
                                        const std::string& name);

// Throws ConfigError naming key (a path such as "bindings[0].prefer") when a pattern is empty.
void check_patterns(const std::vector<std::string>& patterns, const std::string& key);

}  // namespace mirari::policies
