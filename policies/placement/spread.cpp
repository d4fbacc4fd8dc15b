#include "spread.hpp"

#include <algorithm>
#include <string>

namespace mirari::policies {

ports::Placement spread(int count, const ports::cluster::Members& hosts) {
  std::vector<std::string> names(hosts.begin(), hosts.end());
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
  ports::Placement placement;
  if (names.empty()) return placement;
  const int n = static_cast<int>(names.size());
  const int each = std::max(count, 0) / n;
  const int extra = std::max(count, 0) % n;
  for (int i = 0; i < n; ++i) {
    placement = placement.set(names[static_cast<std::size_t>(i)], each + (i < extra ? 1 : 0));
  }
  return placement;
}

}  // namespace mirari::policies
