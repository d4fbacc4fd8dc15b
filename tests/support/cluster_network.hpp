// Hosts on a network of the test's own, each in a network namespace, sharing one etcd cluster.
//
// The etcd cluster (EtcdCluster, three members) runs in a namespace of its own, serving
// clients on 2001:db8:ecd::1, the address of a bridge there. Each host added is a namespace
// joined to that bridge by a veth pair (kLink on the host's side) with the address
// 2001:db8:ecd::<n>/64, n = 0x10 + the host's index in the order of add_host (a: ::10,
// b: ::11, ...), and its loopback up. Addresses are added without duplicate address detection,
// so they are usable at once. cut() firewalls a host off from etcd with nftables in its
// namespace: every packet to or from etcd's address is dropped, silently, as a cut link or a
// lost route would; heal() lets them through again.
//
//   ClusterNetwork net;                         // returns once etcd has a leader
//   const auto& a = net.add_host("a");          // a.name(): run mirarid there
//   net.toml_endpoints();                       // ["[2001:db8:ecd::1]:2379", ...]
//   net.cut("a"); ... net.heal("a");
//
// Everything goes when the object goes, a failed test included: the etcd members (killed and
// reaped), then the hosts' namespaces with their links and rules, then etcd's namespace.
// Processes a test runs in a host's namespace must go first (declare them after this object).
// Throws std::runtime_error quoting `ip` or `nft` when they fail, std::invalid_argument for a
// host added twice or not added.
#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "etcd_cluster.hpp"
#include "netns.hpp"

namespace mirari::testing {

class ClusterNetwork {
 public:
  static constexpr const char* kEtcdAddress = "2001:db8:ecd::1";
  // The host's side of its veth pair to the bridge.
  static constexpr const char* kLink = "etcd0";

  ClusterNetwork();
  ~ClusterNetwork();
  ClusterNetwork(const ClusterNetwork&) = delete;
  ClusterNetwork& operator=(const ClusterNetwork&) = delete;

  EtcdCluster& etcd() noexcept { return *etcd_; }
  const EtcdCluster& etcd() const noexcept { return *etcd_; }
  // The endpoints as a TOML array, first the member named (EtcdCluster::toml_endpoints).
  std::string toml_endpoints(int first = 0) const { return etcd_->toml_endpoints(first); }

  // A new host's namespace, joined to etcd's bridge.
  const NetworkNamespace& add_host(const std::string& name);
  // A host's address on the bridge ("2001:db8:ecd::10").
  std::string address(const std::string& host) const;

  // Drops all traffic between the host and etcd (both ways, no reject) / lets it through
  // again. Either may be called twice.
  void cut(const std::string& host);
  void heal(const std::string& host);

 private:
  struct Host {
    std::string name;
    std::unique_ptr<NetworkNamespace> ns;
  };
  const Host& find(const std::string& host) const;

  NetworkNamespace etcd_ns_;
  std::vector<Host> hosts_;
  std::unique_ptr<EtcdCluster> etcd_;
};

}  // namespace mirari::testing
