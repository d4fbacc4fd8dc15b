// A router that is the kernel's main routing table of a network namespace, programmed over
// rtnetlink. Every route the plugin adds carries its protocol number (rtm_protocol), so a
// dump filtered on it is exactly what the plugin holds; routes of any other protocol (the
// kernel's, FRR's, one added by hand with `ip route`) are never changed or removed. Routes
// are added with NLM_F_EXCL: a route of someone else's in the same slot (prefix, metric) is
// reported as an error, never replaced.
#pragma once

#include <cstdint>
#include <string>

#include "router_backend.hpp"
#include "router_options.hpp"

namespace mirari::routes {

class NetlinkBackend final : public RouterBackend {
 public:
  explicit NetlinkBackend(const RouterOptions& options);

  ports::routes::RouterRoutes read(const ports::routes::RouterRoutes& wanted) override;
  void apply(const ports::routes::RouterRoutes& held,
             const ports::routes::RouterRoutes& wanted) override;

 private:
  std::string name_;
  std::string netns_;
  std::uint8_t protocol_;
};

}  // namespace mirari::routes
