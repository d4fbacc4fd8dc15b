// Seed scenario 1, hotplug, end to end: a real mirarid runs the net and ARP watchers on the
// namespace of a real Open vSwitch (userspace datapath, ovs_switch.hpp), the block watcher,
// the device-preference policy, the openflow and routes reconfigurers, the instance manager
// (process backend) and the clock. The test changes nothing but the kernel's devices and
// neighbour entries, and checks what mirarictl reads (flows.desired, flows.applied,
// routes.applied, instances.desired.extra, instances.actual) against the switch's flows
// (ovs-ofctl dump-flows), the kernel's routes and the instances' processes (/proc):
//
//  1. the app's port app0 is joined to the uplink eth1 on bridge br0: traffic from the app
//     rewritten to the gateway's MAC and out on eth1, traffic back on eth1 to the app; the
//     route to 198.51.100.0/24 goes via the gateway on eth1;
//  2. a preferred interface, pref0, appears: after the binding's hold, the flows and the
//     route move to it;
//  3. pref0 disappears: they move back to eth1 at once;
//  4. the gateway's neighbour entry moves to another MAC (as after a router failover): the
//     flow's mod_dl_dst follows; an ovs-vswitchd killed and started again (its bridge empty)
//     gets the set back;
//  5. the data binding's disk: a loop device the binding prefers gets the space the binding
//     needs: instances.desired.extra names it (MIRARI_DISK) and the instance manager replaces
//     the instance, whose new process has the new disk in its environment; the disk goes and
//     the instance is replaced again, back on the first disk.
//
// Every value flows.desired takes is a whole set for one link (mirarictl watch), and so is
// every set the switch was seen holding: never half of each. The binding's patterns name only
// the test's own loop devices (their names are known before mirarid is configured), so other
// loop devices of the machine play no part. Nothing asserts a duration: eventually() only
// bounds the waits.
//
//   ctest --test-dir build -L scenario --output-on-failure
#include <catch2/catch.hpp>

#include <signal.h>
#include <sys/types.h>

#include <algorithm>
#include <charconv>
#include <exception>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <sstream>
#include <string>
#include <system_error>
#include <vector>

#include "command.hpp"
#include "daemon.hpp"
#include "loop_device.hpp"
#include "ovs_switch.hpp"
#include "proc_stat.hpp"

namespace fs = std::filesystem;
using mirari::test::Daemon;
using mirari::test::eventually;
using mirari::testing::alive;
using mirari::testing::check_command;
using mirari::testing::LoopDevice;
using mirari::testing::OvsSwitch;
using mirari::testing::TempDir;
using nlohmann::json;

namespace {

constexpr std::uintmax_t kMiB = std::uintmax_t{1} << 20;
constexpr const char* kAppMac = "02:00:5e:00:00:10";
constexpr const char* kGatewayMac = "02:00:5e:00:00:01";
constexpr const char* kFailoverMac = "02:00:5e:00:00:02";
// The instance the data binding asks for: a process that runs until it is stopped (the
// configuration names the same command).
constexpr const char* kSleep = "/usr/bin/sleep";

// `ip -n NETNS ARGS...`; its output.
std::string ip(const std::string& netns, const std::vector<std::string>& args) {
  std::vector<std::string> argv{"ip", "-n", netns};
  argv.insert(argv.end(), args.begin(), args.end());
  return check_command(argv);
}

// An uplink of the switch's host: a veth end with an address on the gateway's network, its
// peer up (so it has a carrier), a port of br0.
void add_uplink(OvsSwitch& ovs, const std::string& link, const std::string& cidr) {
  ip(ovs.netns(), {"link", "add", link, "type", "veth", "peer", "name", "peer-" + link});
  ip(ovs.netns(), {"addr", "add", cidr, "dev", link});
  ip(ovs.netns(), {"link", "set", "peer-" + link, "up"});
  ovs.add_port("br0", link);
}

void set_gateway_mac(const OvsSwitch& ovs, const std::string& mac) {
  ip(ovs.netns(),
     {"neigh", "replace", "192.0.2.1", "lladdr", mac, "dev", "eth1", "nud", "permanent"});
}

// The set the binding gives br0 with its traffic on link and the gateway at gateway_mac.
json flows_for(const std::string& link, const std::string& gateway_mac) {
  return {{"flows",
           {{{"table", 0},
             {"priority", 100},
             {"match", "in_port=app0"},
             {"actions", "mod_dl_dst:" + gateway_mac + ",output:" + link},
             {"cookie", 0}},
            {{"table", 0},
             {"priority", 100},
             {"match", "in_port=" + link + ",dl_dst=" + kAppMac},
             {"actions", "output:app0"},
             {"cookie", 0}}}},
          {"groups", json::array()}};
}

// The same set as ovs-ofctl dump-flows lists it, sorted (OpenFlow 1.4 writes mod_dl_dst as a
// set_field).
std::vector<std::string> dump_for(const std::string& link, const std::string& gateway_mac) {
  std::vector<std::string> lines{
      "priority=100,in_port=app0 actions=set_field:" + gateway_mac + "->eth_dst,output:" + link,
      "priority=100,in_port=" + link + ",dl_dst=" + kAppMac + " actions=output:app0"};
  std::sort(lines.begin(), lines.end());
  return lines;
}

// Waits until br0 holds the set for link and gateway_mac, and mirarictl says so; every set
// the switch is seen holding meanwhile must be one of `whole`, never a mix.
bool flows_move(const Daemon& daemon, const OvsSwitch& ovs, const std::string& link,
                const std::string& gateway_mac,
                const std::vector<std::vector<std::string>>& whole) {
  const auto target = dump_for(link, gateway_mac);
  bool mixed = false;
  const bool held = eventually([&] {
    const auto dump = ovs.dump_flows("br0");
    if (!mixed && std::find(whole.begin(), whole.end(), dump) == whole.end()) {
      UNSCOPED_INFO("br0 held a set that is neither the old nor the new one:");
      for (const std::string& line : dump) UNSCOPED_INFO(line);
      mixed = true;
    }
    const auto applied = daemon.port("flows.applied");
    return dump == target && applied && applied->contains("br0") &&
           (*applied)["br0"]["error"] == "" &&
           (*applied)["br0"]["held"] == flows_for(link, gateway_mac);
  });
  CHECK_FALSE(mixed);
  return held && daemon.port("flows.desired") == json({{"br0", flows_for(link, gateway_mac)}});
}

// The route device-preference gives router S, through link, is what S holds, in
// routes.applied and in the kernel.
bool route_on(const Daemon& daemon, const OvsSwitch& ovs, const std::string& link) {
  const json route = {
      {"prefix", "198.51.100.0/24"}, {"via", "192.0.2.1"}, {"device", link}, {"metric", 0}};
  const auto applied = daemon.port("routes.applied");
  return applied && applied->contains("S") && (*applied)["S"]["error"] == "" &&
         (*applied)["S"]["held"]["routes"] == json::array({route}) &&
         ip(ovs.netns(), {"route", "show", "proto", "203"}) ==
             "198.51.100.0/24 via 192.0.2.1 dev " + link + " \n";
}

// The values a table port took, from what `mirarictl watch` printed: the first line is the
// table, each further one a committed tick's change ({"changed": {KEY: VALUE}, "removed":
// [KEY]}).
std::vector<json> watched_values(const std::string& printed) {
  std::vector<json> values;
  std::istringstream lines(printed);
  for (std::string line; std::getline(lines, line);) {
    const json read = json::parse(line);
    if (values.empty()) {
      values.push_back(read);
      continue;
    }
    json next = values.back();
    for (const auto& [key, value] : read.at("changed").items()) next[key] = value;
    for (const json& key : read.at("removed")) next.erase(key.get<std::string>());
    values.push_back(std::move(next));
  }
  return values;
}

// --- The data binding's instance ----------------------------------------------------------

// The instances' processes: those whose working directory lies under the manager's state_dir.
std::vector<pid_t> processes_under(const fs::path& dir) {
  std::vector<pid_t> out;
  const std::string prefix = dir.string() + "/";
  std::error_code error;
  for (const auto& entry : fs::directory_iterator("/proc", error)) {
    const std::string name = entry.path().filename();
    pid_t pid = 0;
    if (std::from_chars(name.data(), name.data() + name.size(), pid).ec != std::errc()) continue;
    std::error_code unreadable;
    const auto cwd = fs::read_symlink(entry.path() / "cwd", unreadable);
    if (!unreadable && cwd.string().starts_with(prefix) && alive(pid)) out.push_back(pid);
  }
  return out;
}

// Instances outlive mirarid by design: this kills what the manager left when the test ends,
// whatever it did. Declared after the directory and before the Daemon, it runs once mirarid
// is gone.
class StopInstancesAtEnd {
 public:
  explicit StopInstancesAtEnd(fs::path dir) : dir_(std::move(dir)) {}
  StopInstancesAtEnd(const StopInstancesAtEnd&) = delete;
  StopInstancesAtEnd& operator=(const StopInstancesAtEnd&) = delete;
  ~StopInstancesAtEnd() {
    for (const pid_t pid : processes_under(dir_)) ::kill(pid, SIGKILL);
  }

 private:
  fs::path dir_;
};

// The environment of a process, one NAME=value per entry.
std::vector<std::string> environment_of(pid_t pid) {
  std::ifstream file("/proc/" + std::to_string(pid) + "/environ");
  std::vector<std::string> out;
  for (std::string entry; std::getline(file, entry, '\0');) out.push_back(entry);
  return out;
}

json data_spec(const LoopDevice& disk) {
  return {{"group", "data"},
          {"command", kSleep},
          {"args", {"infinity"}},
          {"env", {"MIRARI_DISK=" + disk.device()}}};
}

struct Instance {
  std::string name;
  pid_t pid = 0;
};

// The one instance of the data binding, once it runs on disk and is the only process of the
// group: instances.desired.extra and instances.actual agree, and its environment names disk.
std::optional<Instance> running_on(const Daemon& daemon, const fs::path& state_dir,
                                   const LoopDevice& disk) {
  const auto extra = daemon.port("instances.desired.extra");
  if (!extra || *extra != json({{"data", data_spec(disk)}})) return std::nullopt;
  const auto actual = daemon.port("instances.actual");
  if (!actual || actual->size() != 1) return std::nullopt;
  const auto& [name, status] = *actual->items().begin();
  if (status["state"] != "running" || status["extra"] != "data") return std::nullopt;
  const pid_t pid = status["backend_id"].get<pid_t>();
  if (processes_under(state_dir) != std::vector<pid_t>{pid}) return std::nullopt;
  const auto env = environment_of(pid);
  if (std::find(env.begin(), env.end(), "MIRARI_DISK=" + disk.device()) == env.end()) {
    return std::nullopt;
  }
  return Instance{name, pid};
}

// --- mirarid's configuration ----------------------------------------------------------------

std::string config(const OvsSwitch& ovs, const LoopDevice& preferred, const LoopDevice& first,
                   const fs::path& state_dir) {
  const std::string netns = ovs.netns();
  return std::string(mirari::test::kWatchNothing) + R"(
[plugins.clock]
file = ")" MIRARI_CLOCK_SO R"("
period_ms = 50

[plugins.net-watcher]
file = ")" MIRARI_NET_WATCHER_SO R"("
netns = ")" +
         netns +
         R"("

[plugins.arp-watcher]
file = ")" MIRARI_ARP_WATCHER_SO R"("
netns = ")" +
         netns +
         R"("

[plugins.block-watcher]
file = ")" MIRARI_BLOCK_WATCHER_SO R"("
include = ["loop"]

[plugins.device-preference]
file = ")" MIRARI_DEVICE_PREFERENCE_SO R"("

[[plugins.device-preference.bindings]]
name = "uplink"
kind = "link"
prefer = ["pref*", "eth*"]
hold_ms = 300
gateway = "192.0.2.1"
flows = { bridge = "br0", app_port = "app0", app_mac = "02:00:5e:00:00:10" }
route = { router = "S", prefix = "198.51.100.0/24" }

[[plugins.device-preference.bindings]]
name = "data"
kind = "disk"
prefer = [")" +
         preferred.name() + R"(", ")" + first.name() + R"("]
min_size_bytes = 16777216
hold_ms = 300
instance = { group = "data", command = "/usr/bin/sleep", args = ["infinity"] }

[plugins.openflow]
file = ")" MIRARI_OPENFLOW_SO R"("
ovs_rundir = ")" +
         ovs.rundir().string() +
         R"("
verify_ms = 200

[plugins.routes]
file = ")" MIRARI_ROUTES_SO R"("
verify_ms = 200

[[plugins.routes.routers]]
name = "S"
backend = "netlink"
netns = ")" +
         netns +
         R"("

[plugins.instance-manager]
file = ")" MIRARI_INSTANCE_MANAGER_SO R"("
group = "data"
command = "/usr/bin/sleep"
args = ["infinity"]
state_dir = ")" +
         state_dir.string() +
         R"("
start_grace_ms = 200
stop_timeout_ms = 2000
)";
}

// Prints mirarid's log when a REQUIRE ends the test.
struct LogOnFailure {
  const Daemon& daemon;
  ~LogOnFailure() {
    if (std::uncaught_exceptions() > 0) std::cerr << "mirarid's log:\n" << daemon.log();
  }
};

}  // namespace

TEST_CASE("scenario-hotplug") {
  TempDir scratch;
  const fs::path state_dir = scratch.path() / "instances";
  const StopInstancesAtEnd stop_instances(state_dir);

  // The switch's host: br0 with the app's port and the uplink eth1, the gateway on eth1.
  OvsSwitch ovs;
  ovs.add_bridge("br0");
  ip(ovs.netns(), {"link", "add", "app0", "type", "veth", "peer", "name", "peer-app0"});
  ip(ovs.netns(), {"link", "set", "peer-app0", "up"});
  ovs.add_port("br0", "app0");
  add_uplink(ovs, "eth1", "192.0.2.2/24");
  set_gateway_mac(ovs, kGatewayMac);

  // The disks: the one the data binding starts on, and the one it prefers, too small for it
  // yet (below min_size_bytes, so not a candidate).
  LoopDevice first(32 * kMiB);
  LoopDevice preferred(1 * kMiB);

  const auto fresh = ovs.dump_flows("br0");  // what a new bridge holds: the NORMAL flow
  Daemon daemon({.config = config(ovs, preferred, first, state_dir)});
  const LogOnFailure log_on_failure{daemon};

  // 1. The app's traffic on eth1, the route via the gateway on eth1, the data instance on the
  //    first disk.
  const auto on_eth1 = dump_for("eth1", kGatewayMac);
  const auto on_pref0 = dump_for("pref0", kGatewayMac);
  const auto after_failover = dump_for("eth1", kFailoverMac);
  REQUIRE(flows_move(daemon, ovs, "eth1", kGatewayMac, {fresh, on_eth1}));
  REQUIRE(eventually([&] { return route_on(daemon, ovs, "eth1"); }));
  std::optional<Instance> on_first;
  REQUIRE(
      eventually([&] { return (on_first = running_on(daemon, state_dir, first)).has_value(); }));

  fs::path watched;
  auto watch = daemon.ctl_background({"watch", "flows.desired"}, watched);
  REQUIRE(eventually([&] { return !mirari::test::read_file(watched).empty(); }));

  // 2. The preferred interface appears: once its hold has passed, the flows and the route move
  //    to it.
  add_uplink(ovs, "pref0", "192.0.2.3/24");
  REQUIRE(flows_move(daemon, ovs, "pref0", kGatewayMac, {on_eth1, on_pref0}));
  CHECK(eventually([&] { return route_on(daemon, ovs, "pref0"); }));

  // 3. It disappears: they move back at once.
  ip(ovs.netns(), {"link", "del", "pref0"});
  REQUIRE(flows_move(daemon, ovs, "eth1", kGatewayMac, {on_pref0, on_eth1}));
  CHECK(eventually([&] { return route_on(daemon, ovs, "eth1"); }));

  // 4. The gateway moves to another MAC: the flow toward it is rewritten.
  set_gateway_mac(ovs, kFailoverMac);
  REQUIRE(flows_move(daemon, ovs, "eth1", kFailoverMac, {on_eth1, after_failover}));

  // Every value flows.desired took was one whole set, in this order: each move in one tick.
  watch->signal(SIGINT);
  CHECK(watch->wait().has_value());
  const std::vector<json> values = watched_values(mirari::test::read_file(watched));
  CHECK(values == std::vector<json>{{{"br0", flows_for("eth1", kGatewayMac)}},
                                    {{"br0", flows_for("pref0", kGatewayMac)}},
                                    {{"br0", flows_for("eth1", kGatewayMac)}},
                                    {{"br0", flows_for("eth1", kFailoverMac)}}});

  // Fault: ovs-vswitchd killed and started again, its bridge empty: the set is applied again.
  ovs.restart_switch();
  CHECK(eventually([&] { return ovs.dump_flows("br0") == after_failover; }));
  CHECK(flows_move(daemon, ovs, "eth1", kFailoverMac, {after_failover}));

  // 5. The preferred disk gets the space the binding needs: the instance is replaced by one
  //    on it, and the old process ends.
  preferred.resize(64 * kMiB);
  std::optional<Instance> on_preferred;
  REQUIRE(eventually(
      [&] { return (on_preferred = running_on(daemon, state_dir, preferred)).has_value(); }));
  CHECK(on_preferred->name != on_first->name);
  CHECK(on_preferred->pid != on_first->pid);
  CHECK_FALSE(alive(on_first->pid));

  //    It goes: the instance is replaced again, on the first disk.
  preferred.detach();
  std::optional<Instance> back;
  REQUIRE(eventually([&] { return (back = running_on(daemon, state_dir, first)).has_value(); }));
  CHECK(back->pid != on_preferred->pid);
  CHECK_FALSE(alive(on_preferred->pid));
}
