// A private etcd cluster of three members for one test, with its data in a temporary
// directory. By default the members run in the test's own network namespace on loopback
// ports the kernel picks; with Options::netns they run in that namespace (`ip netns exec`),
// serve clients on Options::client_address (IPv6) at ports 2379, 12379 and 22379 and talk
// to each other on that namespace's loopback (ports 2380, 12380, 22380: one cluster per
// namespace). Members are children of the test; everything goes when the object goes, a
// failed test included (members killed and reaped, directory removed).
//
//   EtcdCluster etcd;                        // returns once the cluster has a leader
//   etcd.endpoints();                        // {"127.0.0.1:P0", "127.0.0.1:P1", "127.0.0.1:P2"}
//   etcd.kill(0);                            // SIGKILL member 0; the other two keep quorum
//   etcd.ctl({"get", "--prefix", "/mirari/"});  // etcdctl against the live members
//
//   EtcdCluster in_ns({.netns = ns.name(), .client_address = "2001:db8:ecd::1"});
//   in_ns.endpoints();                       // {"[2001:db8:ecd::1]:2379", ...}
//
//   EtcdCluster secure({.tls = true, .auth = true});  // https, client certificates, user root
//   secure.ca_file(); secure.client_cert_file(); secure.client_key_file(); secure.password();
//
// With tls, the fixture makes a CA, a member certificate (for 127.0.0.1, localhost and the
// client address) and a client certificate with the openssl command in its directory;
// members serve their clients over https only and want a client certificate signed by that
// CA (peers stay plain on loopback). With auth, it adds the user root with a password and
// enables authentication. ctl() passes the certificates and the credentials.
//
// Needs etcd and etcdctl (Debian's etcd-server and etcd-client), and openssl for tls. Throws
// std::runtime_error, with the members' logs, when the cluster does not come up within ten
// seconds.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "child_process.hpp"
#include "temp_dir.hpp"

namespace mirari::testing {

class EtcdCluster {
 public:
  static constexpr int kMembers = 3;

  struct Options {
    // The named network namespace (`ip netns`) the members and etcdctl run in; empty: the
    // test's own, on loopback.
    std::string netns{};
    // With netns: the IPv6 address (without brackets) the members serve clients on, one the
    // namespace holds. Required with netns, refused without (std::invalid_argument).
    std::string client_address{};
    bool tls = false;
    bool auth = false;
    // Seconds an unused simple token lives (etcd's --auth-token-ttl); 0: etcd's default.
    int token_ttl = 0;
  };

  EtcdCluster();
  explicit EtcdCluster(Options options);
  ~EtcdCluster();
  EtcdCluster(const EtcdCluster&) = delete;
  EtcdCluster& operator=(const EtcdCluster&) = delete;

  // Client addresses, "127.0.0.1:PORT" (or "[ADDRESS]:PORT" with a namespace), one per
  // member in member order.
  const std::vector<std::string>& endpoints() const noexcept { return client_; }
  // The endpoints as a TOML array, first the member named (then the others in order).
  std::string toml_endpoints(int first = 0) const;
  // SIGKILLs member i and reaps it.
  void kill(int member);
  // Runs etcdctl (API v3) against the members still running, in the members' namespace;
  // throws std::runtime_error quoting its output unless it succeeds.
  std::string ctl(const std::vector<std::string>& args) const;
  std::string logs() const;

  // With tls: the CA that signed every certificate, the client's certificate and key.
  std::filesystem::path ca_file() const { return dir_.path() / "ca.pem"; }
  std::filesystem::path client_cert_file() const { return dir_.path() / "client.pem"; }
  std::filesystem::path client_key_file() const { return dir_.path() / "client.key"; }
  // With auth: root's password.
  const std::string& password() const noexcept { return password_; }

 private:
  void start(int member);
  // argv run in the members' namespace.
  std::vector<std::string> in_netns(std::vector<std::string> argv) const;
  void make_certificates();
  // etcdctl and the flags that reach the members (certificates, credentials once enabled).
  std::vector<std::string> etcdctl(const std::string& endpoints) const;

  Options options_;
  TempDir dir_;
  std::string password_;
  bool auth_enabled_ = false;
  std::vector<std::string> client_;
  std::vector<std::string> peer_;
  std::vector<std::unique_ptr<ChildProcess>> members_;
};

}  // namespace mirari::testing
