#include "name_patterns.hpp"

#include <fnmatch.h>

#include <mirari/config.hpp>

namespace mirari::policies {

std::optional<std::size_t> pattern_rank(const std::vector<std::string>& patterns,
                                        const std::string& name) {
  for (std::size_t i = 0; i < patterns.size(); ++i) {
    if (::fnmatch(patterns[i].c_str(), name.c_str(), 0) == 0) return i;
  }
  return std::nullopt;
}

void check_patterns(const std::vector<std::string>& patterns, const std::string& key) {
  for (const std::string& p : patterns) {
    if (p.empty()) throw ConfigError(key + " holds an empty pattern", key);
  }
}

}  // namespace mirari::policies
