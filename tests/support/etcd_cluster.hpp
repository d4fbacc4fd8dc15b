// A private etcd cluster of three members for one test, on loopback ports the kernel picks,
// with its data in a temporary directory. Members are children of the test; everything goes
// when the object goes, a failed test included (members killed and reaped, directory
// removed).
//
//   EtcdCluster etcd;                        // returns once the cluster has a leader
//   etcd.endpoints();                        // {"127.0.0.1:P0", "127.0.0.1:P1", "127.0.0.1:P2"}
//   etcd.kill(0);                            // SIGKILL member 0; the other two keep quorum
//   etcd.ctl({"get", "--prefix", "/mirari/"});  // etcdctl against the live members
//
// Needs etcd and etcdctl (Debian's etcd-server and etcd-client). Throws std::runtime_error,
// with the members' logs, when the cluster does not come up within ten seconds.
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

  EtcdCluster();
  ~EtcdCluster();
  EtcdCluster(const EtcdCluster&) = delete;
  EtcdCluster& operator=(const EtcdCluster&) = delete;

  // Client addresses, "127.0.0.1:PORT", one per member in member order.
  const std::vector<std::string>& endpoints() const noexcept { return client_; }
  // The endpoints as a TOML array, first the member named (then the others in order).
  std::string toml_endpoints(int first = 0) const;
  // SIGKILLs member i and reaps it.
  void kill(int member);
  // Runs etcdctl (API v3) against the members still running; throws std::runtime_error
  // quoting its output unless it succeeds.
  std::string ctl(const std::vector<std::string>& args) const;
  std::string logs() const;

 private:
  void start(int member);

  TempDir dir_;
  std::vector<std::string> client_;
  std::vector<std::string> peer_;
  std::vector<std::unique_ptr<ChildProcess>> members_;
};

}  // namespace mirari::testing
