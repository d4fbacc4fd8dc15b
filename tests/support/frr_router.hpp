// A router for tests: a network namespace of the test's own running FRR's zebra, staticd and
// bgpd with their own pathspace (vtysh -N), as children of the test. The destructor stops
// the daemons and removes the namespace, /etc/frr/NAME and /var/run/frr/NAME, a failed test
// included.
//
//   FrrRouter a("A"), b("B");
//   const Link link = connect(a, "192.0.2.1/24", b, "192.0.2.2/24");
//   peer_ebgp(a, 64501, b, 64502, link);        // timers bgp 1 3, connect retry 1 s
//   CHECK(eventually([&] { return a.bgp_established(link.b_address); }));
//   a.vtysh({"configure terminal", "ip route 198.51.100.0/24 192.0.2.2"});
//   CHECK(b.kernel_routes().find("198.51.100.0/24") != std::string::npos);
//
// The pathspace is the namespace's name (pathspace()); the config dir holds an frr.conf with
// the hostname only, so everything else a test wants comes through vtysh.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "child_process.hpp"
#include "netns.hpp"

namespace mirari::testing {

enum class FrrDaemon { zebra, staticd, bgpd };

class FrrRouter {
 public:
  // Creates the namespace (lo up), the config and run directories, and starts the daemons;
  // returns once each answers on its vty socket. hostname names the router in FRR and in
  // the veth devices connect() makes ("to-B"). Throws std::runtime_error, leaving nothing.
  explicit FrrRouter(std::string hostname);
  ~FrrRouter();
  FrrRouter(const FrrRouter&) = delete;
  FrrRouter& operator=(const FrrRouter&) = delete;

  const std::string& hostname() const noexcept { return hostname_; }
  const std::string& netns() const noexcept { return ns_->name(); }
  const std::string& pathspace() const noexcept { return ns_->name(); }
  const NetworkNamespace& ns() const noexcept { return *ns_; }

  // Runs `vtysh -N PATHSPACE -c C1 -c C2 ...`; returns its output. Throws std::runtime_error
  // with the output when vtysh fails.
  std::string vtysh(const std::vector<std::string>& commands) const;
  // The namespace's kernel routes: `ip route show` then `ip -6 route show`.
  std::string kernel_routes() const;
  // Whether the namespace's kernel table has a route to prefix (as `ip route` writes it).
  bool kernel_has_route(const std::string& prefix) const;
  // The BGP session with the peer at address is Established.
  bool bgp_established(const std::string& peer_address) const;

  // Stops the daemon (SIGTERM, as a service manager does) and starts it again; returns once
  // it answers. Its configuration is lost: FRR starts from frr.conf.
  void restart(FrrDaemon daemon);

 private:
  void start(FrrDaemon daemon);
  void stop(FrrDaemon daemon);

  std::string hostname_;
  std::unique_ptr<NetworkNamespace> ns_;
  std::string config_dir_;
  std::string run_dir_;
  std::unique_ptr<ChildProcess> daemons_[3];
};

// The two ends of a veth pair between two routers.
struct Link {
  std::string a_device;   // in a's namespace: "to-" + b's hostname
  std::string b_device;   // in b's namespace: "to-" + a's hostname
  std::string a_address;  // without the length: "192.0.2.1"
  std::string b_address;
};

// Joins a and b with a veth pair, both ends up, with the addresses given in CIDR form
// (documentation ranges only: "192.0.2.1/24"). Throws std::runtime_error.
Link connect(const FrrRouter& a, const std::string& a_cidr, const FrrRouter& b,
             const std::string& b_cidr);

// An eBGP session over link (IPv4 unicast) between a in AS as_a and b in AS as_b, with
// timers short enough for tests: keepalive 1 s, hold 3 s, connect retry 1 s, no
// advertisement interval, and no ebgp-requires-policy (FRR's default would hold back every
// route). A withdrawn or announced prefix thus reaches the peer within about a second once
// the session is up; it comes up within a few seconds.
void peer_ebgp(const FrrRouter& a, std::uint32_t as_a, const FrrRouter& b, std::uint32_t as_b,
               const Link& link);

}  // namespace mirari::testing
