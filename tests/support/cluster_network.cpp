// Invariant: hosts_[i] is joined to the bridge by the veth pair host<i> (etcd's side) <-> kLink
// (the host's) and holds the address ::(0x10 + i); etcd_ is declared last, so its members stop
// before any namespace is deleted.
#include "cluster_network.hpp"

#include <algorithm>
#include <sstream>
#include <stdexcept>

#include "command.hpp"

namespace mirari::testing {

namespace {

constexpr const char* kBridge = "br0";
// The nftables table that cuts a host off; one table, so heal() removes it whole.
constexpr const char* kCutTable = "inet mirari_cut";

std::string host_address(std::size_t index) {
  std::ostringstream out;
  out << "2001:db8:ecd::" << std::hex << 0x10 + index;
  return out.str();
}

void nft(const NetworkNamespace& ns, const std::string& script) {
  check_command({"ip", "netns", "exec", ns.name(), "nft", "-f", "-"}, script);
}

}  // namespace

ClusterNetwork::ClusterNetwork() {
  // No multicast snooping: neighbour solicitations reach every port, whatever multicast
  // listener reports the hosts (without link-local addresses) send or not.
  etcd_ns_.ip_batch(std::string("link add ") + kBridge + " type bridge mcast_snooping 0\n" +
                    "address add " + kEtcdAddress + "/64 dev " + kBridge + " nodad\n" +
                    "link set " + kBridge + " up\n");
  etcd_ = std::make_unique<EtcdCluster>(
      EtcdCluster::Options{.netns = etcd_ns_.name(), .client_address = kEtcdAddress});
}

ClusterNetwork::~ClusterNetwork() {
  etcd_.reset();
  hosts_.clear();
}

const NetworkNamespace& ClusterNetwork::add_host(const std::string& name) {
  const bool known =
      std::any_of(hosts_.begin(), hosts_.end(), [&](const Host& h) { return h.name == name; });
  if (known) throw std::invalid_argument("ClusterNetwork: host '" + name + "' added twice");
  const std::size_t index = hosts_.size();
  hosts_.push_back({name, std::make_unique<NetworkNamespace>()});
  const NetworkNamespace& ns = *hosts_.back().ns;
  const std::string port = "host" + std::to_string(index);
  etcd_ns_.ip({"link", "add", port, "type", "veth", "peer", "name", kLink, "netns", ns.name()});
  etcd_ns_.ip_batch("link set " + port + " master " + kBridge + "\nlink set " + port + " up\n");
  ns.ip_batch("link set lo up\naddress add " + host_address(index) + "/64 dev " + kLink +
              " nodad\nlink set " + kLink + " up\n");
  return ns;
}

std::string ClusterNetwork::address(const std::string& host) const {
  const Host& h = find(host);
  return host_address(static_cast<std::size_t>(&h - hosts_.data()));
}

void ClusterNetwork::cut(const std::string& host) {
  const std::string table = kCutTable;
  nft(*find(host).ns, "table " + table + " {}\nflush table " + table + "\ntable " + table +
                          " {\n"
                          "  chain input {\n"
                          "    type filter hook input priority 0; policy accept;\n"
                          "    ip6 saddr " +
                          kEtcdAddress +
                          " drop\n"
                          "  }\n"
                          "  chain output {\n"
                          "    type filter hook output priority 0; policy accept;\n"
                          "    ip6 daddr " +
                          kEtcdAddress +
                          " drop\n"
                          "  }\n"
                          "}\n");
}

void ClusterNetwork::heal(const std::string& host) {
  const std::string table = kCutTable;
  nft(*find(host).ns, "table " + table + " {}\ndelete table " + table + "\n");
}

const ClusterNetwork::Host& ClusterNetwork::find(const std::string& host) const {
  const auto it =
      std::find_if(hosts_.begin(), hosts_.end(), [&](const Host& h) { return h.name == host; });
  if (it == hosts_.end()) throw std::invalid_argument("ClusterNetwork: no host '" + host + "'");
  return *it;
}

}  // namespace mirari::testing
