#include "desired_check.hpp"

#include <variant>

#include "route_check.hpp"

namespace mirari::routes {

CheckedDesired check_desired(const RoutesDesired& desired,
                             const std::map<std::string, BackendKind>& routers) {
  CheckedDesired out;
  for (const auto& [name, set] : desired) {
    auto router = routers.find(name);
    if (router == routers.end()) {
      std::string known;
      for (const auto& [configured, kind] : routers)
        known += (known.empty() ? "" : ", ") + configured;
      out.errors[name] = "router " + name +
                         " is not configured (routers: " + (known.empty() ? "none" : known) + ")";
      continue;
    }
    auto checked = check_router(name, router->second, set);
    if (auto* error = std::get_if<std::string>(&checked)) {
      out.errors[name] = std::move(*error);
    } else {
      out.valid = out.valid.set(name, std::get<RouterRoutes>(std::move(checked)));
    }
  }
  return out;
}

RoutesDesired accept(const RoutesDesired& previous, const CheckedDesired& checked) {
  RoutesDesired out = checked.valid;
  for (const auto& [name, error] : checked.errors) {
    if (const RouterRoutes* kept = previous.find(name)) out = out.set(name, *kept);
  }
  return out;
}

RoutesApplied applied_view(const RoutesApplied& programmed, const CheckedDesired& checked) {
  RoutesApplied out = programmed;
  for (const auto& [name, error] : checked.errors) {
    ports::routes::AppliedRouter entry;
    if (const auto* before = programmed.find(name)) entry = *before;
    entry.error = error;
    out = out.set(name, std::move(entry));
  }
  return out;
}

}  // namespace mirari::routes
