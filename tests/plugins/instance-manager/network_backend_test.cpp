// The process backend's network attachment against the real kernel: each instance in a named
// network namespace of its own, its veth's host end a port of a Linux bridge, its address
// from the prefix, its port in the report; all of it gone once the instance is forgotten,
// kept for an adopted instance, made afresh for a retry, never half made; and the drain
// before SIGTERM, also through the plugin as mirarid runs it.
//
// The bridge lives in a network namespace of the test's own (NetworkNamespace), and this
// thread enters it for the test (InNamespace): the backend's rtnetlink requests, the `ip` it
// runs and the processes it starts all act there, so the host's own namespace sees no link.
// The instances' namespaces are real named ones (mirari-GROUP-N, GROUP unique to this test
// run), deleted at the end of every test, a failed one included. Addresses are from
// 192.0.2.0/24 and 2001:db8::/32 only.
#include <catch2/catch.hpp>

#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

#include <mirari/combinators.hpp>
#include <mirari/config.hpp>

#include "command.hpp"
#include "graph_loop.hpp"
#include "instance_manager_plugin.hpp"
#include "instance_name.hpp"
#include "instance_processes.hpp"
#include "mirari/testing.hpp"
#include "netns.hpp"
#include "network_attachment.hpp"
#include "process_backend.hpp"
#include "process_search.hpp"
#include "temp_dir.hpp"

using mirari::instances::Action;
using mirari::instances::environment_holds;
using mirari::instances::InstanceManagerPlugin;
using mirari::instances::namespace_name;
using mirari::instances::network_config_keys;
using mirari::instances::NetworkSettings;
using mirari::instances::Observed;
using mirari::instances::parse_network;
using mirari::instances::Plan;
using mirari::instances::port_name;
using mirari::instances::ProcessBackend;
using mirari::ports::InstanceEvent;
using mirari::ports::InstancesActual;
using mirari::ports::InstanceSpec;
using mirari::ports::InstanceState;
using mirari::ports::InstanceStatus;
using mirari::testing::check_command;
using mirari::testing::children;
using mirari::testing::GraphLoop;
using mirari::testing::KillInstancesAtEnd;
using mirari::testing::kProgram;
using mirari::testing::NetworkNamespace;
using mirari::testing::PluginHarness;
using mirari::testing::read_file;
using mirari::testing::run_command;
using mirari::testing::TempDir;

namespace {

namespace fs = std::filesystem;

const std::string kBridge = "br-mirari";
const std::string kGateway = "192.0.2.1";

// A group name of this test run's own, so that its namespaces are told from any other's.
const std::string& group() {
  static const std::string name = "nt" + std::to_string(::getpid());
  return name;
}

// This thread in the named network namespace for the object's life.
class InNamespace {
 public:
  explicit InNamespace(const std::string& name)
      : own_(::open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC)) {
    const int target = ::open(("/run/netns/" + name).c_str(), O_RDONLY | O_CLOEXEC);
    const bool entered = target >= 0 && ::setns(target, CLONE_NEWNET) == 0;
    if (target >= 0) ::close(target);
    if (own_ < 0 || !entered) throw std::runtime_error("cannot enter network namespace " + name);
  }
  ~InNamespace() {
    ::setns(own_, CLONE_NEWNET);
    ::close(own_);
  }
  InNamespace(const InNamespace&) = delete;
  InNamespace& operator=(const InNamespace&) = delete;

 private:
  int own_;
};

// Deletes every namespace of the test's group when it goes, whatever the test left.
struct RemoveGroupNamespacesAtEnd {
  RemoveGroupNamespacesAtEnd() { remove(); }
  ~RemoveGroupNamespacesAtEnd() { remove(); }
  RemoveGroupNamespacesAtEnd(const RemoveGroupNamespacesAtEnd&) = delete;
  RemoveGroupNamespacesAtEnd& operator=(const RemoveGroupNamespacesAtEnd&) = delete;
  static void remove() {
    std::error_code error;
    for (const auto& entry : fs::directory_iterator("/run/netns", error)) {
      const std::string name = entry.path().filename();
      if (name.rfind("mirari-" + group() + "-", 0) == 0) run_command({"ip", "netns", "del", name});
    }
  }
};

NetworkSettings network(std::int64_t drain_ms = 0, const std::string& prefix = "192.0.2.0/24",
                        const std::string& gateway = kGateway) {
  mirari::Config::Values values{
      {"bridge", kBridge}, {"prefix", prefix}, {"gateway", gateway}, {"drain_ms", drain_ms}};
  return parse_network(mirari::check_config(network_config_keys(), values, "test"));
}

ProcessBackend::Options options(const TempDir& dir, NetworkSettings settings) {
  ProcessBackend::Options o;
  o.group = group();
  o.dir = dir.path() / group();
  o.start_grace = std::chrono::milliseconds(50);
  o.stop_timeout = std::chrono::milliseconds(2000);
  o.network = std::move(settings);
  return o;
}

void ignore(ProcessBackend::Level, const std::string&) {}

std::string instance(std::uint64_t serial) {
  return group() + "-" + std::to_string(serial);
}

Action act(Action::Kind kind, std::uint64_t serial) {
  Action a;
  a.kind = kind;
  a.name = instance(serial);
  a.serial = serial;
  a.spec = InstanceSpec{group(), kProgram, {}, {}};
  return a;
}

// The bridge's namespace with this thread in it, and what the test leaves removed. The bridge
// holds address (the instances' gateway); none: no bridge.
struct Host {
  explicit Host(const std::string& address = kGateway + "/24") {
    if (address.empty()) return;
    bridge.ip_batch("link add " + kBridge + " type bridge\naddr add " + address + " dev " +
                    kBridge + " nodad\nlink set " + kBridge + " up\n");
  }
  bool has_link(const std::string& name) const {
    return run_command({"ip", "-n", bridge.name(), "link", "show", name}).exit_code == 0;
  }

  NetworkNamespace bridge;
  RemoveGroupNamespacesAtEnd namespaces;
  KillInstancesAtEnd processes;
  InNamespace inside{bridge.name()};
};

// A backend following into sources of loop's graph.
struct Followed {
  Followed(GraphLoop& loop, const TempDir& dir, NetworkSettings settings)
      : backend(loop.executor(), options(dir, std::move(settings)), ignore),
        observed(loop.graph().source<Observed>(backend.observed())),
        events(loop.graph().event_source<std::vector<InstanceEvent>>()),
        clock(loop.graph().source<std::int64_t>(0)) {
    backend.follow({&loop.graph(), observed, events, clock});
  }
  const Observed& now() const { return observed.value(); }
  const InstanceStatus* status(std::uint64_t serial) const {
    return now().instances.find(instance(serial));
  }
  bool in_state(std::uint64_t serial, InstanceState state) const {
    const InstanceStatus* s = status(serial);
    return s != nullptr && s->state == state;
  }
  void apply(Action::Kind kind, std::uint64_t serial) {
    backend.apply(Plan{now().version, {act(kind, serial)}, std::nullopt});
  }

  ProcessBackend backend;
  mirari::Source<Observed> observed;
  mirari::EventSource<std::vector<InstanceEvent>> events;
  mirari::Source<std::int64_t> clock;
};

bool namespace_exists(std::uint64_t serial) {
  return fs::exists("/run/netns/" + namespace_name(group(), serial));
}

ino_t netns_inode(const std::string& path) {
  struct stat s {};
  return ::stat(path.c_str(), &s) == 0 ? s.st_ino : 0;
}

bool reaches_gateway(std::uint64_t serial, const std::string& gateway = kGateway) {
  return run_command({"ip", "netns", "exec", namespace_name(group(), serial), "ping", "-n", "-q",
                      "-c", "1", "-w", "5", gateway})
             .exit_code == 0;
}

// What a running instance's attachment must look like.
void check_attached(const Host& host, const Followed& f, std::uint64_t serial,
                    const std::string& address) {
  const InstanceStatus* s = f.status(serial);
  REQUIRE(s != nullptr);
  const std::string port = port_name(group(), serial);
  CHECK(s->port == port);
  REQUIRE(namespace_exists(serial));
  const std::string ns = namespace_name(group(), serial);
  CHECK_THAT(check_command({"ip", "-n", ns, "-o", "addr", "show", "dev", "eth0"}),
             Catch::Contains("inet " + address + "/24"));
  CHECK_THAT(check_command({"ip", "-n", ns, "route", "show", "default"}),
             Catch::Contains("default via " + kGateway + " dev eth0"));
  CHECK_THAT(check_command({"ip", "-n", host.bridge.name(), "-o", "link", "show", port}),
             Catch::Contains("master " + kBridge) && Catch::Contains(",UP"));
  const auto pid = static_cast<pid_t>(s->backend_id);
  CHECK(netns_inode("/proc/" + std::to_string(pid) + "/ns/net") == netns_inode("/run/netns/" + ns));
  const std::string environment = read_file("/proc/" + std::to_string(pid) + "/environ");
  CHECK(environment_holds(environment, "MIRARI_ADDRESS=" + address));
  CHECK(environment_holds(environment, "MIRARI_NETNS=" + ns));
  CHECK(reaches_gateway(serial));
}

}  // namespace

TEST_CASE("an instance runs in its own namespace, with its address and its port on the bridge") {
  Host host;
  TempDir dir;
  GraphLoop loop;
  Followed f(loop, dir, network());
  f.backend.apply(Plan{1, {act(Action::Kind::create, 1), act(Action::Kind::create, 2)}, {}});
  REQUIRE(loop.run_until([&] {
    return f.in_state(1, InstanceState::running) && f.in_state(2, InstanceState::running);
  }));
  // The gateway holds 192.0.2.1, so the first instances get .2 and .3.
  check_attached(host, f, 1, "192.0.2.2");
  check_attached(host, f, 2, "192.0.2.3");
  CHECK(children(true).size() == 2);
}

TEST_CASE("a stopped instance, once forgotten, leaves no namespace and no port") {
  Host host;
  TempDir dir;
  GraphLoop loop;
  Followed f(loop, dir, network());
  f.apply(Action::Kind::create, 1);
  REQUIRE(loop.run_until([&] { return f.in_state(1, InstanceState::running); }));
  const std::string port = port_name(group(), 1);
  REQUIRE(host.has_link(port));

  f.apply(Action::Kind::stop, 1);
  REQUIRE(loop.run_until([&] { return f.in_state(1, InstanceState::exited); }));
  CHECK(f.status(1)->status == 128 + SIGTERM);
  f.apply(Action::Kind::forget, 1);
  REQUIRE(loop.run_until([&] { return f.status(1) == nullptr; }));
  CHECK_FALSE(namespace_exists(1));
  CHECK_FALSE(host.has_link(port));
}

TEST_CASE("a restarted manager adopts an instance with its network and removes stale ones") {
  Host host;
  TempDir dir;
  GraphLoop loop;
  pid_t pid = 0;
  {
    Followed f(loop, dir, network());
    f.apply(Action::Kind::create, 1);
    REQUIRE(loop.run_until([&] { return f.in_state(1, InstanceState::running); }));
    pid = static_cast<pid_t>(f.status(1)->backend_id);
    f.backend.stop();
  }
  // Left by an instance that ended while no manager ran: its namespace, and a veth whose
  // host end is its port.
  check_command({"ip", "netns", "add", namespace_name(group(), 7)});
  host.bridge.ip({"link", "add", port_name(group(), 7), "type", "veth", "peer", "name", "eth0",
                  "netns", namespace_name(group(), 7)});

  Followed next(loop, dir, network());
  REQUIRE(next.in_state(1, InstanceState::running));
  CHECK(next.status(1)->backend_id == static_cast<std::int64_t>(pid));
  check_attached(host, next, 1, "192.0.2.2");
  CHECK_FALSE(namespace_exists(7));
  CHECK_FALSE(host.has_link(port_name(group(), 7)));
}

TEST_CASE("a missing bridge fails the create with the reason, and nothing is left of it") {
  Host host("");
  TempDir dir;
  GraphLoop loop;
  Followed f(loop, dir, network());
  f.apply(Action::Kind::create, 1);
  REQUIRE(loop.run_until([&] { return f.in_state(1, InstanceState::failed); }));
  CHECK(f.status(1)->reason == "bridge '" + kBridge + "' does not exist");
  CHECK(f.status(1)->port.empty());
  CHECK(f.status(1)->retry_at > 0);
  CHECK_FALSE(namespace_exists(1));
  CHECK_FALSE(host.has_link(port_name(group(), 1)));
  CHECK(children(false).empty());
}

TEST_CASE("an Open vSwitch that cannot be reached fails the create, and nothing is left of it") {
  Host host;
  TempDir dir;
  GraphLoop loop;
  NetworkSettings ovs = network();
  ovs.kind = mirari::instances::SwitchKind::ovs;
  ovs.ovs_db = "unix:" + (dir.path() / "no-ovsdb.sock").string();
  Followed f(loop, dir, ovs);
  f.apply(Action::Kind::create, 1);
  REQUIRE(loop.run_until([&] { return f.in_state(1, InstanceState::failed); }));
  CHECK_THAT(f.status(1)->reason,
             Catch::StartsWith("cannot add port " + port_name(group(), 1) +
                               " to Open vSwitch bridge " + kBridge + ": ovs-vsctl: "));
  // The veth and the namespace were made before ovs-vsctl was asked: both are gone.
  CHECK_FALSE(namespace_exists(1));
  CHECK_FALSE(host.has_link(port_name(group(), 1)));
  CHECK(children(false).empty());
}

TEST_CASE("an instance chosen to stop shows as stopping and runs on until the drain ends") {
  Host host;
  TempDir dir;
  GraphLoop loop;
  Followed f(loop, dir, network(1000));
  f.apply(Action::Kind::create, 1);
  REQUIRE(loop.run_until([&] { return f.in_state(1, InstanceState::running); }));
  const auto pid = static_cast<pid_t>(f.status(1)->backend_id);

  f.apply(Action::Kind::stop, 1);
  REQUIRE(loop.run_until([&] { return f.in_state(1, InstanceState::stopping); }));
  // A while into the drain, well short of it: still stopping, the process untouched.
  loop.run_until([] { return false; }, std::chrono::milliseconds(200));
  CHECK(f.in_state(1, InstanceState::stopping));
  CHECK(children(true) == std::vector<pid_t>{pid});
  CHECK(reaches_gateway(1));
  // Then SIGTERM ends it (not SIGKILL: stop_timeout is not over).
  REQUIRE(loop.run_until([&] { return f.in_state(1, InstanceState::exited); }));
  CHECK(f.status(1)->status == 128 + SIGTERM);
}

TEST_CASE("a retried instance gets its attachment afresh, and a forgotten one leaves none") {
  Host host;
  TempDir dir;
  GraphLoop loop;
  Followed f(loop, dir, network());
  Action failing = act(Action::Kind::create, 1);
  failing.spec.args = {"--exit", "3"};
  f.backend.apply(Plan{1, {failing}, {}});
  REQUIRE(loop.run_until([&] { return f.in_state(1, InstanceState::failed); }));
  CHECK(f.status(1)->reason == "ended with status 3 while starting");
  // It ended, but is not forgotten: its attachment stays until it is retried or forgotten.
  CHECK(f.status(1)->port == port_name(group(), 1));
  CHECK(namespace_exists(1));

  Action retry = act(Action::Kind::retry, 1);
  f.backend.apply(Plan{f.now().version, {retry}, {}});
  REQUIRE(loop.run_until([&] { return f.in_state(1, InstanceState::running); }));
  check_attached(host, f, 1, "192.0.2.2");

  f.apply(Action::Kind::stop, 1);
  REQUIRE(loop.run_until([&] { return f.in_state(1, InstanceState::exited); }));
  f.apply(Action::Kind::forget, 1);
  REQUIRE(loop.run_until([&] { return f.status(1) == nullptr; }));
  CHECK_FALSE(namespace_exists(1));
  CHECK_FALSE(host.has_link(port_name(group(), 1)));
}

TEST_CASE("through the plugin, scaling down shows the instance stopping, then takes its port") {
  Host host;
  TempDir dir;
  PluginHarness h;
  auto desired = h.input<int>("scale." + group() + ".desired", 0);
  mirari::Config::Values net{{"bridge", kBridge},
                             {"prefix", std::string("192.0.2.0/24")},
                             {"gateway", kGateway},
                             {"drain_ms", std::int64_t{300}}};
  h.start(std::make_unique<InstanceManagerPlugin>(),
          {{"group", group()},
           {"command", kProgram.string()},
           {"state_dir", dir.path().string()},
           {"start_grace_ms", std::int64_t{50}},
           {"network", mirari::Config(net)}},
          group());
  const auto actual = [&]() -> const InstancesActual& {
    return h.value<InstancesActual>("instances.actual");
  };
  const auto count = [&](InstanceState state) {
    std::size_t n = 0;
    for (const auto& [name, i] : actual()) n += i.state == state ? 1 : 0;
    return n;
  };
  desired.set(2);
  REQUIRE(
      h.settle_until([&] { return count(InstanceState::running) == 2; }, std::chrono::seconds(20)));
  for (const auto& [name, i] : actual()) {
    CHECK(i.port == port_name(group(), *mirari::instances::serial_of(name)));
    CHECK(host.has_link(i.port));
  }

  desired.set(1);
  REQUIRE(h.settle_until([&] { return count(InstanceState::stopping) == 1; },
                         std::chrono::seconds(20)));
  // Stopping, still on the bridge: what balances over the ports takes it out first.
  const InstanceStatus* leaving = actual().find(instance(2));
  REQUIRE(leaving != nullptr);
  CHECK(leaving->state == InstanceState::stopping);
  CHECK(host.has_link(leaving->port));
  REQUIRE(h.settle_until([&] { return actual().size() == 1; }, std::chrono::seconds(20)));
  CHECK(actual().contains(instance(1)));
  CHECK_FALSE(namespace_exists(2));
  CHECK_FALSE(host.has_link(port_name(group(), 2)));
  CHECK(namespace_exists(1));
}

TEST_CASE("an IPv6 prefix gives the instance an IPv6 address and default route") {
  const std::string gateway = "2001:db8:7::1";
  Host host(gateway + "/64");
  TempDir dir;
  GraphLoop loop;
  Followed f(loop, dir, network(0, "2001:db8:7::/64", gateway));
  f.apply(Action::Kind::create, 1);
  REQUIRE(loop.run_until([&] { return f.in_state(1, InstanceState::running); }));
  const std::string ns = namespace_name(group(), 1);
  CHECK_THAT(check_command({"ip", "-n", ns, "-o", "-6", "addr", "show", "dev", "eth0"}),
             Catch::Contains("inet6 2001:db8:7::2/64"));
  CHECK_THAT(check_command({"ip", "-n", ns, "-6", "route", "show", "default"}),
             Catch::Contains("default via " + gateway + " dev eth0"));
  const auto pid = static_cast<pid_t>(f.status(1)->backend_id);
  CHECK(environment_holds(read_file("/proc/" + std::to_string(pid) + "/environ"),
                          "MIRARI_ADDRESS=2001:db8:7::2"));
  CHECK(reaches_gateway(1, gateway));
}
