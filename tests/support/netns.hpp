// A network namespace of the test's own, deleted when the fixture goes (a failed test
// included), with everything created in it.
//
// The namespace is quiet: IPv6 makes no link-local addresses in it, so links that come up
// send nothing (no duplicate address detection, no router solicitation) and the neighbour
// table holds only what the test puts there. Tests use documentation addresses only
// (192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24, 2001:db8::/32).
#pragma once

#include <string>
#include <vector>

namespace mirari::testing {

class NetworkNamespace {
 public:
  // Creates "mirari-test-<pid>-<n>". Throws std::runtime_error when `ip` fails.
  NetworkNamespace();
  ~NetworkNamespace();
  NetworkNamespace(const NetworkNamespace&) = delete;
  NetworkNamespace& operator=(const NetworkNamespace&) = delete;

  const std::string& name() const noexcept { return name_; }

  // Runs `ip -n <name> args...`; returns its output, throws std::runtime_error on failure.
  std::string ip(const std::vector<std::string>& args) const;
  // Runs every line of commands with one `ip -n <name> -batch -`.
  void ip_batch(const std::string& commands) const;
  // Adds a veth pair a <-> b, both down.
  void add_veth(const std::string& a, const std::string& b) const;

 private:
  std::string name_;
};

}  // namespace mirari::testing
