// A router that is an FRR instance, spoken to through vtysh with the instance's pathspace
// (vtysh -N PATHSPACE): its unix sockets live under /var/run/frr/PATHSPACE, so vtysh reaches
// it from any namespace. Static routes are `ip route` statements carrying the plugin's tag;
// announcements are `network P route-map MAP` statements under `router bgp ASN`, so BGP
// carries them to the peers. What it holds is read back from the running configuration.
#pragma once

#include <string>
#include <vector>

#include "command_output.hpp"
#include "frr_marks.hpp"
#include "router_backend.hpp"
#include "router_options.hpp"

namespace mirari::routes {

class FrrBackend final : public RouterBackend {
 public:
  explicit FrrBackend(const RouterOptions& options);

  ports::routes::RouterRoutes read(const ports::routes::RouterRoutes& wanted) override;
  void apply(const ports::routes::RouterRoutes& held,
             const ports::routes::RouterRoutes& wanted) override;

 private:
  // Runs vtysh with one -c per command; throws with its output unless it exits with 0.
  std::string vtysh(const std::vector<std::string>& commands) const;

  std::string name_;
  std::string netns_;
  std::string pathspace_;
  std::uint32_t configured_asn_;
  FrrMarks marks_;
  std::uint32_t running_asn_ = 0;  // the running configuration's, as of the last read()
};

}  // namespace mirari::routes
