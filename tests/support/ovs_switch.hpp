// A private Open vSwitch for one test: ovsdb-server and ovs-vswitchd (userspace datapath)
// started from a temporary directory as children of the test. By default ovs-vswitchd runs in
// a network namespace of the fixture's own, so the tap devices of its bridges and ports never
// meet the host's or another test's. Everything goes when the object goes, a failed test
// included: the daemons are killed, the namespace (with every device in it) and the directory
// deleted.
//
// With Where::host_namespace ovs-vswitchd runs in the test's own namespace instead, for a
// test whose ports are made by code that adds them to the switch itself (the instance
// manager's veth ends). The userspace datapath's devices (its "ovs-netdev" tap, each bridge's
// and internal port's tap) then live there and outlast ovs-vswitchd, so the fixture deletes
// them when it goes; only one such switch can run at a time (they would share "ovs-netdev"),
// and its bridge names must not be the host's.
//
//   OvsSwitch ovs;
//   ovs.add_bridge("br0");
//   ovs.add_internal_port("br0", "p1");
//   // a plugin reaches br0 at unix:<ovs.rundir()>/br0.mgmt (ovs.target("br0"))
//   CHECK(ovs.dump_flows("br0").find("actions=drop") != std::string::npos);
//
// Needs root. Every call throws std::runtime_error quoting the tool's output when a tool
// fails or a daemon does not come up within ten seconds.
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "child_process.hpp"
#include "netns.hpp"
#include "temp_dir.hpp"

namespace mirari::testing {

class OvsSwitch {
 public:
  enum class Where { own_namespace, host_namespace };

  // Creates the database and starts both daemons; returns once ovs-vswitchd serves it.
  explicit OvsSwitch(Where where = Where::own_namespace);
  ~OvsSwitch();
  OvsSwitch(const OvsSwitch&) = delete;
  OvsSwitch& operator=(const OvsSwitch&) = delete;

  // The directory of the database, logs and sockets (OVS_RUNDIR, OVS_LOGDIR, OVS_DBDIR): a
  // bridge B's management socket is rundir()/B.mgmt.
  const std::filesystem::path& rundir() const noexcept;
  // "unix:RUNDIR/db.sock", the database's socket.
  std::string db_socket() const;
  // "unix:RUNDIR/BRIDGE.mgmt", where ovs-ofctl reaches bridge.
  std::string target(const std::string& bridge) const;
  // The network namespace ovs-vswitchd runs in, where its bridges' and ports' devices live;
  // empty with Where::host_namespace.
  std::string netns() const;

  // Adds a bridge with datapath_type=netdev speaking OpenFlow 1.0 to 1.5, and waits until
  // its management socket answers.
  void add_bridge(const std::string& bridge);
  void delete_bridge(const std::string& bridge);
  // Adds an existing device as a port of bridge, and sets it up. With a namespace of its own,
  // a device of the test's namespace (a veth end) is moved into netns() first.
  void add_port(const std::string& bridge, const std::string& device);
  // Adds a port of type internal (a tap device in netns()).
  void add_internal_port(const std::string& bridge, const std::string& port);
  void delete_port(const std::string& bridge, const std::string& port);

  // Kills ovs-vswitchd (SIGKILL) and starts it again; returns once every bridge answers on
  // its management socket again (holding no flows: OpenFlow state is not kept in the
  // database).
  void restart_switch();

  // ovs-vsctl against this database; its output.
  std::string vsctl(const std::vector<std::string>& args) const;
  // ovs-ofctl -O OpenFlow14 COMMAND target(bridge) EXTRA...; its output.
  std::string ofctl(const std::string& command, const std::string& bridge,
                    const std::vector<std::string>& extra = {}) const;
  // The bridge's flows without statistics, port names as names, one per line, sorted.
  std::vector<std::string> dump_flows(const std::string& bridge) const;
  // The bridge's groups, port names as names, one per line, sorted.
  std::vector<std::string> dump_groups(const std::string& bridge) const;

 private:
  void start_switch();
  void wait_for_bridge(const std::string& bridge) const;
  std::vector<std::string> env() const;

  TempDir dir_;
  std::optional<NetworkNamespace> ns_;     // none with Where::host_namespace
  std::vector<std::string> host_devices_;  // Where::host_namespace: the taps to delete at the end
  std::unique_ptr<ChildProcess> db_;
  std::unique_ptr<ChildProcess> switch_;
  std::vector<std::string> bridges_;
};

}  // namespace mirari::testing
