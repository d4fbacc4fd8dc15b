#include "ovs_switch.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "command.hpp"

namespace mirari::testing {

namespace {

constexpr auto kStartTimeout = std::chrono::seconds(10);

std::vector<std::string> sorted_lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    const auto first = line.find_first_not_of(' ');
    if (first == std::string::npos) continue;
    line = line.substr(first);
    if (line.find(" reply ") != std::string::npos && line.back() == ':') continue;
    out.push_back(line);
  }
  std::sort(out.begin(), out.end());
  return out;
}

// A daemon started with what it prints going to DIR/daemons.out (the log files say more).
std::unique_ptr<ChildProcess> daemon(const std::vector<std::string>& argv,
                                     const std::filesystem::path& dir) {
  const int out =
      ::open((dir / "daemons.out").c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (out < 0) throw std::runtime_error("cannot open " + (dir / "daemons.out").string());
  try {
    auto child = std::make_unique<ChildProcess>(argv, ChildStreams{-1, out, out});
    ::close(out);
    return child;
  } catch (...) {
    ::close(out);
    throw;
  }
}

// Runs attempt until it returns true, for up to kStartTimeout; throws what on failure.
template <class F>
void retry(F attempt, const std::string& what) {
  const auto deadline = std::chrono::steady_clock::now() + kStartTimeout;
  while (!attempt()) {
    if (std::chrono::steady_clock::now() > deadline) throw std::runtime_error(what);
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

}  // namespace

OvsSwitch::OvsSwitch(Where where) {
  if (where == Where::own_namespace) {
    ns_.emplace();
  } else if (run_command({"ip", "link", "show", "dev", "ovs-netdev"}).exit_code != 0) {
    host_devices_.push_back("ovs-netdev");
  }
  const std::string dir = dir_.path().string();
  check_command(
      {"ovsdb-tool", "create", dir + "/conf.db", "/usr/share/openvswitch/vswitch.ovsschema"});
  std::vector<std::string> argv = env();
  argv.insert(argv.end(), {"ovsdb-server", dir + "/conf.db", "--remote=punix:" + dir + "/db.sock",
                           "--unixctl=" + dir + "/ovsdb-server.ctl",
                           "--log-file=" + dir + "/ovsdb-server.log", "-vconsole:off"});
  db_ = daemon(argv, dir_.path());
  retry(
      [&] {
        return run_command({"ovs-vsctl", "--db=" + db_socket(), "--no-wait", "init"}).exit_code ==
               0;
      },
      "ovsdb-server did not come up at " + db_socket());
  start_switch();
}

OvsSwitch::~OvsSwitch() {
  // The daemons go before the namespace, so that deleting it takes every device with it.
  switch_.reset();
  db_.reset();
  for (const std::string& device : host_devices_) run_command({"ip", "link", "del", device});
}

const std::filesystem::path& OvsSwitch::rundir() const noexcept {
  return dir_.path();
}

std::string OvsSwitch::db_socket() const {
  return "unix:" + dir_.path().string() + "/db.sock";
}

std::string OvsSwitch::target(const std::string& bridge) const {
  return "unix:" + (dir_.path() / (bridge + ".mgmt")).string();
}

std::string OvsSwitch::netns() const {
  return ns_ ? ns_->name() : std::string();
}

std::vector<std::string> OvsSwitch::env() const {
  const std::string dir = dir_.path().string();
  return {"env", "OVS_RUNDIR=" + dir, "OVS_LOGDIR=" + dir, "OVS_DBDIR=" + dir};
}

void OvsSwitch::start_switch() {
  const std::string dir = dir_.path().string();
  std::vector<std::string> argv;
  if (ns_) argv = {"ip", "netns", "exec", ns_->name()};
  const std::vector<std::string> vars = env();
  argv.insert(argv.end(), vars.begin(), vars.end());
  argv.insert(argv.end(), {"ovs-vswitchd", db_socket(), "--unixctl=" + dir + "/ovs-vswitchd.ctl",
                           "--log-file=" + dir + "/ovs-vswitchd.log", "-vconsole:off"});
  switch_ = daemon(argv, dir_.path());
  retry(
      [&] {
        return run_command({"ovs-appctl", "-t", dir + "/ovs-vswitchd.ctl", "version"}).exit_code ==
               0;
      },
      "ovs-vswitchd did not come up (log: " + dir + "/ovs-vswitchd.log)");
  for (const std::string& bridge : bridges_) wait_for_bridge(bridge);
}

void OvsSwitch::wait_for_bridge(const std::string& bridge) const {
  retry(
      [&] {
        return run_command({"ovs-ofctl", "show", target(bridge)}).exit_code == 0;
      },
      "bridge " + bridge + " does not answer at " + target(bridge));
}

void OvsSwitch::restart_switch() {
  switch_.reset();
  start_switch();
}

std::string OvsSwitch::vsctl(const std::vector<std::string>& args) const {
  std::vector<std::string> argv = {"ovs-vsctl", "--db=" + db_socket(), "--timeout=10"};
  argv.insert(argv.end(), args.begin(), args.end());
  return check_command(argv);
}

void OvsSwitch::add_bridge(const std::string& bridge) {
  vsctl({"add-br", bridge, "--", "set", "bridge", bridge, "datapath_type=netdev",
         "protocols=OpenFlow10,OpenFlow11,OpenFlow12,OpenFlow13,OpenFlow14,OpenFlow15"});
  bridges_.push_back(bridge);
  if (!ns_) host_devices_.push_back(bridge);
  wait_for_bridge(bridge);
}

void OvsSwitch::delete_bridge(const std::string& bridge) {
  vsctl({"del-br", bridge});
  std::erase(bridges_, bridge);
}

void OvsSwitch::add_port(const std::string& bridge, const std::string& device) {
  if (!ns_) {
    check_command({"ip", "link", "set", "dev", device, "up"});
  } else {
    if (run_command({"ip", "link", "show", "dev", device}).exit_code == 0) {
      check_command({"ip", "link", "set", "dev", device, "netns", ns_->name()});
    }
    ns_->ip({"link", "set", "dev", device, "up"});
  }
  vsctl({"add-port", bridge, device});
}

void OvsSwitch::add_internal_port(const std::string& bridge, const std::string& port) {
  vsctl({"add-port", bridge, port, "--", "set", "interface", port, "type=internal"});
  if (!ns_) host_devices_.push_back(port);
}

void OvsSwitch::delete_port(const std::string& bridge, const std::string& port) {
  vsctl({"del-port", bridge, port});
}

std::string OvsSwitch::ofctl(const std::string& command, const std::string& bridge,
                             const std::vector<std::string>& extra) const {
  std::vector<std::string> argv = {"ovs-ofctl", "-O", "OpenFlow14", command, target(bridge)};
  argv.insert(argv.end(), extra.begin(), extra.end());
  return check_command(argv);
}

std::vector<std::string> OvsSwitch::dump_flows(const std::string& bridge) const {
  return sorted_lines(check_command(
      {"ovs-ofctl", "-O", "OpenFlow14", "--no-stats", "--names", "dump-flows", target(bridge)}));
}

std::vector<std::string> OvsSwitch::dump_groups(const std::string& bridge) const {
  return sorted_lines(
      check_command({"ovs-ofctl", "-O", "OpenFlow14", "--names", "dump-groups", target(bridge)}));
}

}  // namespace mirari::testing
