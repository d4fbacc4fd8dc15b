// Seed scenario 3 with networking, end to end: a real mirarid runs the clock, the load
// monitor, the instance manager (process backend, each instance in a network namespace of its
// own with a port on an Open vSwitch bridge), the threshold scaler and the openflow plugin,
// whose [[balance]] select group follows the group's running instances. The instances are
// real processes (mirari-load-generator) reporting the load the test writes to a file. The
// switch is a private Open vSwitch of the test's (tests/support/ovs_switch.hpp) running in the
// test's own namespace, as the manager adds the instances' host veth ends to it with ovs-vsctl.
// The test checks what mirarictl reads against what the kernel and the switch hold:
//
//  1. load in the band: one instance runs, its port on the bridge, one bucket in the group;
//  2. load above the bound: a second process starts inside its namespace, its port joins the
//     bridge and the select group gets its bucket;
//  3. load below the bound: the instance chosen to stop leaves the select group first (its
//     bucket is gone while its process still runs: drain_ms holds the SIGTERM back), then its
//     process ends, and its port and namespace go.
//
// Nothing asserts a duration: times in the configuration only bound how long eventually()
// waits. Whatever happens, the generators are killed, the instances' namespaces (and their
// veths with them) deleted and the switch stopped when the test ends.
//
//   ctest --test-dir build -R scenario-self-scaling-network --output-on-failure
#include <catch2/catch.hpp>

#include <sys/prctl.h>
#include <sys/stat.h>

#include <exception>
#include <filesystem>
#include <iostream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "command.hpp"
#include "config_text.hpp"
#include "daemon.hpp"
#include "generator_processes.hpp"
#include "ovs_switch.hpp"

namespace fs = std::filesystem;
using mirari::scenario::generators_under;
using mirari::scenario::replace_all;
using mirari::scenario::StopGeneratorsAtEnd;
using mirari::test::Daemon;
using mirari::test::eventually;
using mirari::testing::alive;
using mirari::testing::OvsSwitch;
using mirari::testing::TempDir;
using nlohmann::json;

namespace {

// The bridge lives in the host's namespace (OvsSwitch::Where::host_namespace): its name must
// not be one of the host's. The group's name makes the instances' namespaces, mirari-GROUP-N.
const std::string kBridge = "mrscale-br0";
const std::string kGroup = "scnet";
constexpr int kGroupId = 1;

// drain_ms is the time the stopping instance's bucket has to leave the group before its
// process gets SIGTERM; it is long enough for the openflow plugin's one bundle on a busy
// machine, which is what lets the test see the order.
const std::string kConfig = R"(
[plugins.clock]
file = ")" MIRARI_CLOCK_SO R"("
period_ms = 50

[plugins.load-monitor]
file = ")" MIRARI_LOAD_MONITOR_SO R"("
socket = "{dir}/load.sock"
window = 2

[plugins.instance-manager]
file = ")" MIRARI_INSTANCE_MANAGER_SO R"("
group = "{group}"
command = "{generator}"
args = ["--socket", "{dir}/load.sock", "--load-file", "{load_file}", "--period-ms", "50"]
min = 1
max = 2
state_dir = "{state_dir}"
start_grace_ms = 200
stop_timeout_ms = 2000

[plugins.instance-manager.network]
bridge = "{bridge}"
switch = "ovs"
ovs_db = "{ovs_db}"
prefix = "192.0.2.0/24"
gateway = "192.0.2.1"
drain_ms = 1000

[plugins.openflow]
file = ")" MIRARI_OPENFLOW_SO R"("
ovs_rundir = "{ovs_rundir}"
verify_ms = 200

[[plugins.openflow.balance]]
bridge = "{bridge}"
group_id = 1
group = "{group}"

[plugins.scaler]
file = ")" MIRARI_THRESHOLD_SCALER_SO R"("
group = "{group}"
min_instances = 1
max_instances = 2
low = 0.3
high = 0.8
hold_ms = 300
cooldown_ms = 1000
)";

std::string config(const fs::path& scratch, const OvsSwitch& ovs) {
  std::string text = std::string(mirari::test::kWatchNothing) + kConfig;
  text = replace_all(std::move(text), "{generator}", mirari::scenario::kGenerator.string());
  text = replace_all(std::move(text), "{load_file}", (scratch / "load").string());
  text = replace_all(std::move(text), "{state_dir}", (scratch / "instances").string());
  text = replace_all(std::move(text), "{group}", kGroup);
  text = replace_all(std::move(text), "{bridge}", kBridge);
  text = replace_all(std::move(text), "{ovs_db}", ovs.db_socket());
  return replace_all(std::move(text), "{ovs_rundir}", ovs.rundir().string());
}

constexpr double kInBand = 0.5;
constexpr double kHigh = 0.9;
constexpr double kLow = 0.1;

void write_load(const fs::path& scratch, double load) {
  mirari::test::write_file(scratch / "load.new", std::to_string(load) + "\n");
  fs::rename(scratch / "load.new", scratch / "load");
}

// The network namespaces the kernel holds (ip netns list).
std::set<std::string> namespaces() {
  std::set<std::string> out;
  std::istringstream in(mirari::testing::run_command({"ip", "netns", "list"}).output);
  for (std::string line; std::getline(in, line);) {
    const std::string name = line.substr(0, line.find(' '));
    if (!name.empty()) out.insert(name);
  }
  return out;
}

std::string netns_of(const std::string& instance) {
  return "mirari-" + instance;
}

// Deletes the group's instance namespaces when the test ends (their veths go with them):
// instances outlive mirarid by design, so nothing else would. Declared before the generators'
// cleanup, so that it runs once their processes are gone.
class DeleteNamespacesAtEnd {
 public:
  DeleteNamespacesAtEnd() { remove(); }
  ~DeleteNamespacesAtEnd() { remove(); }
  DeleteNamespacesAtEnd(const DeleteNamespacesAtEnd&) = delete;
  DeleteNamespacesAtEnd& operator=(const DeleteNamespacesAtEnd&) = delete;

 private:
  static void remove() {
    for (const std::string& name : namespaces()) {
      if (name.starts_with(netns_of(kGroup + "-"))) {
        mirari::testing::run_command({"ip", "netns", "del", name});
      }
    }
  }
};

struct Instance {
  pid_t pid = 0;
  std::string port;
};
using Instances = std::map<std::string, Instance>;

// The group's instances when they all run, each with a port: none while any is starting,
// stopping, exited or failed, so that a result means the group has settled.
Instances settled(const Daemon& daemon) {
  Instances out;
  const auto actual = daemon.port("instances.actual");
  if (!actual) return {};
  for (const auto& [name, instance] : actual->items()) {
    if (instance["state"] != "running" || instance["port"] == "") return {};
    out[name] = {instance["backend_id"].get<pid_t>(), instance["port"].get<std::string>()};
  }
  return out;
}

std::set<pid_t> pid_set(const Instances& instances) {
  std::set<pid_t> out;
  for (const auto& [name, instance] : instances) out.insert(instance.pid);
  return out;
}

// The ports of the bridge (ovs-vsctl list-ports).
std::set<std::string> bridge_ports(const OvsSwitch& ovs) {
  std::set<std::string> out;
  std::istringstream in(ovs.vsctl({"list-ports", kBridge}));
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) out.insert(line);
  }
  return out;
}

// The ports the select group's buckets output to, as the switch holds them; "missing" when
// the bridge holds no such group.
std::multiset<std::string> buckets(const OvsSwitch& ovs) {
  const std::string group = "group_id=" + std::to_string(kGroupId) + ",type=select";
  for (const std::string& line : ovs.dump_groups(kBridge)) {
    if (!line.starts_with(group)) continue;
    std::multiset<std::string> out;
    const std::string output = "actions=output:";
    for (auto at = line.find(output); at != std::string::npos; at = line.find(output, at)) {
      at += output.size();
      std::string port = line.substr(at, line.find(',', at) - at);
      // ovs-ofctl --names quotes a name holding characters such as '-'.
      if (port.size() >= 2 && port.front() == '"' && port.back() == '"') {
        port = port.substr(1, port.size() - 2);
      }
      out.insert(std::move(port));
    }
    return out;
  }
  return {"missing"};
}

std::multiset<std::string> ports_of(const Instances& instances) {
  std::multiset<std::string> out;
  for (const auto& [name, instance] : instances) out.insert(instance.port);
  return out;
}

// The group has settled at n instances, each a live generator of this test, each port on the
// bridge and in the select group, which holds no other bucket.
bool runs(const Daemon& daemon, const OvsSwitch& ovs, const fs::path& scratch, std::size_t n,
          Instances& instances) {
  instances = settled(daemon);
  if (instances.size() != n || generators_under(scratch) != pid_set(instances)) return false;
  const auto ports = bridge_ports(ovs);
  for (const auto& [name, instance] : instances) {
    if (!ports.contains(instance.port)) return false;
  }
  return buckets(ovs) == ports_of(instances);
}

// The process runs in the instance's namespace: /proc/PID/ns/net is the namespace ip netns
// made (same device and inode as /run/netns/NAME).
bool in_namespace(pid_t pid, const std::string& instance) {
  struct stat process {
  }, named{};
  return ::stat(("/proc/" + std::to_string(pid) + "/ns/net").c_str(), &process) == 0 &&
         ::stat(("/run/netns/" + netns_of(instance)).c_str(), &named) == 0 &&
         process.st_dev == named.st_dev && process.st_ino == named.st_ino;
}

struct LogOnFailure {
  const Daemon& daemon;
  const OvsSwitch& ovs;
  ~LogOnFailure() {
    if (std::uncaught_exceptions() == 0) return;
    std::cerr << "mirarid's log:\n" << daemon.log();
    try {
      for (const std::string& line : ovs.dump_groups(kBridge)) std::cerr << line << "\n";
    } catch (const std::exception& error) {
      std::cerr << error.what() << "\n";
    }
  }
};

}  // namespace

TEST_CASE("scenario-self-scaling-network") {
  // The instances are mirarid's children: should it end before them, the test reaps them.
  REQUIRE(::prctl(PR_SET_CHILD_SUBREAPER, 1) == 0);
  OvsSwitch ovs(OvsSwitch::Where::host_namespace);
  ovs.add_bridge(kBridge);
  DeleteNamespacesAtEnd delete_namespaces;
  TempDir scratch;
  StopGeneratorsAtEnd stop_generators(scratch.path());
  write_load(scratch.path(), kInBand);
  Daemon daemon({.config = config(scratch.path(), ovs)});
  const LogOnFailure log_on_failure{daemon, ovs};

  // Traffic to the service address goes to the select group.
  const auto set = daemon.ctl({"set", "flows.desired",
                               json{{kBridge,
                                     {{"flows", json::array({{{"priority", 100},
                                                              {"match", "ip,nw_dst=192.0.2.100"},
                                                              {"actions", "group:1"}}})}}}}
                                   .dump()});
  INFO(set.err);
  REQUIRE(set.status == 0);

  // 1. In the band: one instance, in its namespace, its port on the bridge and in the group.
  Instances first;
  REQUIRE(eventually([&] { return runs(daemon, ovs, scratch.path(), 1, first); }));
  const std::string one = kGroup + "-1";
  REQUIRE(first.contains(one));
  CHECK(in_namespace(first.at(one).pid, one));
  CHECK(eventually([&] {
    const auto flows = ovs.dump_flows(kBridge);
    return flows == std::vector<std::string>{"priority=100,ip,nw_dst=192.0.2.100 actions=group:1"};
  }));
  CHECK(eventually([&] {
    const auto applied = daemon.port("flows.applied");
    return applied && applied->contains(kBridge) && (*applied)[kBridge]["error"] == "";
  }));

  // 2. Above the bound: a second process starts in a namespace of its own, its port joins
  //    the bridge and the select group gets a bucket for it.
  write_load(scratch.path(), kHigh);
  Instances scaled_up;
  REQUIRE(eventually([&] { return runs(daemon, ovs, scratch.path(), 2, scaled_up); }));
  const std::string two = kGroup + "-2";
  REQUIRE(scaled_up.contains(two));
  CHECK(scaled_up.at(one).pid == first.at(one).pid);
  CHECK(scaled_up.at(one).port == first.at(one).port);
  CHECK(scaled_up.at(two).port != scaled_up.at(one).port);
  CHECK(alive(scaled_up.at(two).pid));
  CHECK(in_namespace(scaled_up.at(two).pid, two));
  CHECK(namespaces().contains(netns_of(two)));
  CHECK(buckets(ovs) == ports_of(scaled_up));
  CHECK(daemon.port("scale." + kGroup + ".desired") == json(2));

  // 3. Below the bound: the youngest instance is chosen to stop. Its bucket leaves the group
  //    while its process still runs (a process that runs after the dump ran during it).
  write_load(scratch.path(), kLow);
  const Instance leaving = scaled_up.at(two);
  bool bucket_gone = false;
  bool alive_when_gone = false;
  REQUIRE(eventually([&] {
    if (buckets(ovs) != ports_of({{one, scaled_up.at(one)}})) return false;
    bucket_gone = true;
    alive_when_gone = alive(leaving.pid);
    return true;
  }));
  CHECK(bucket_gone);
  CHECK(alive_when_gone);
  // Then its process ends, and its port and namespace go.
  Instances scaled_down;
  REQUIRE(eventually([&] { return runs(daemon, ovs, scratch.path(), 1, scaled_down); }));
  CHECK(scaled_down.contains(one));
  CHECK(scaled_down.at(one).pid == first.at(one).pid);
  CHECK_FALSE(alive(leaving.pid));
  CHECK(eventually([&] { return !bridge_ports(ovs).contains(leaving.port); }));
  CHECK(eventually([&] { return !namespaces().contains(netns_of(two)); }));
  CHECK(eventually([&] {
    return mirari::testing::run_command({"ip", "link", "show", "dev", leaving.port}).exit_code != 0;
  }));
  CHECK(buckets(ovs) == ports_of(scaled_down));
  CHECK(daemon.port("scale." + kGroup + ".desired") == json(1));
}
