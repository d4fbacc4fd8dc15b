// What a router must lose and gain to go from the set it holds to the one wanted. Both sets
// are canonical (route_check.hpp), so equal routes compare equal.
#pragma once

#include <string>
#include <vector>

#include <mirari/ports/routes.hpp>

namespace mirari::routes {

struct RouteChanges {
  std::vector<ports::routes::Route> remove;  // held, not wanted
  std::vector<ports::routes::Route> add;     // wanted, not held
  std::vector<std::string> withdraw;         // announced, not wanted
  std::vector<std::string> announce;         // wanted, not announced
  bool empty() const noexcept {
    return remove.empty() && add.empty() && withdraw.empty() && announce.empty();
  }
  friend bool operator==(const RouteChanges&, const RouteChanges&) = default;
};

// Routes and prefixes in both sets are left out: programming changes never touch them.
RouteChanges diff(const ports::routes::RouterRoutes& held,
                  const ports::routes::RouterRoutes& wanted);

}  // namespace mirari::routes
