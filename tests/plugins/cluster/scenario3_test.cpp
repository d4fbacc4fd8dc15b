// Seed scenario 3 across hosts: one scaling group spread over three real mirarid hosts, each
// in a network namespace of its own, through a real three-member etcd cluster
// (tests/support/cluster_network.hpp). Each host runs the cluster plugin (standing for the
// placement role, the group's placement led by its leader), the placement policy and the
// instance manager, which runs this host's share of the leader's placement with real
// processes. The group's count is written with mirarictl on every host, where a scaler would
// publish it. Nothing asserts a duration: eventually() only bounds the waits.
#include <catch2/catch.hpp>

#include <signal.h>
#include <sys/prctl.h>

#include <algorithm>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "cluster_network.hpp"
#include "daemon.hpp"
#include "instance_processes.hpp"

using mirari::test::Daemon;
using mirari::test::DaemonOptions;
using mirari::test::eventually;
using mirari::testing::ClusterNetwork;
using mirari::testing::KillInstancesAtEnd;
using mirari::testing::kProgram;
using mirari::testing::TempDir;
using nlohmann::json;

namespace {

// A host's configuration. With a scaler, the count comes from a threshold scaler on each host
// reading the whole cluster's instances and load (cluster.merged.*), else from mirarictl.
std::string host_config(const std::string& host, const std::string& endpoints,
                        const std::filesystem::path& state_dir, bool scaler) {
  std::string shared = scaler ? "export = [\"instances.actual\", \"load.by_instance\"]\n"
                                "import = [\"instances.actual\", \"load.by_instance\"]\n"
                              : "";
  std::string config =
      std::string(mirari::test::kWatchNothing) + "[plugins.cluster]\nfile = \"" +
      MIRARI_CLUSTER_SO + "\"\nhost = \"" + host + "\"\ncluster = \"t\"\nendpoints = " + endpoints +
      "\nttl = 2\ntimeout_ms = 1000\nroles = [\"placement\"]\n" + shared +
      "[[plugins.cluster.lead]]\nport = \"scale.web.placement\"\nrole = \"placement\"\n"
      "[plugins.placement]\nfile = \"" +
      MIRARI_PLACEMENT_SO + "\"\ngroup = \"web\"\nhost = \"" + host +
      "\"\n[plugins.web]\nfile = \"" + MIRARI_INSTANCE_MANAGER_SO +
      "\"\ngroup = \"web\"\ncommand = \"" + kProgram.string() + "\"\nstate_dir = \"" +
      state_dir.string() +
      "\"\nstart_grace_ms = 100\nstop_timeout_ms = 500\nmax = 10\n"
      "desired_port = \"scale.web.share\"\n";
  if (scaler) {
    config += std::string("[plugins.clock]\nfile = \"") + MIRARI_CLOCK_SO +
              "\"\nperiod_ms = 100\n[plugins.threshold-scaler]\nfile = \"" +
              MIRARI_THRESHOLD_SCALER_SO +
              "\"\ngroup = \"web\"\nmin_instances = 2\nmax_instances = 4\nlow = 0.2\n"
              "high = 0.8\nhold_ms = 0\ncooldown_ms = 0\n"
              "instances_port = \"cluster.merged.instances.actual\"\n"
              "load_port = \"cluster.merged.load.by_instance\"\n";
  }
  return config;
}

// One host: its mirarid, and the state directory its instances outlive it in.
struct Host {
  std::string name;
  TempDir state;
  std::unique_ptr<Daemon> daemon;

  Host(std::string host, ClusterNetwork& net, int first_member, bool scaler = false)
      : name(std::move(host)) {
    daemon = std::make_unique<Daemon>(DaemonOptions{
        .config = host_config(name, net.toml_endpoints(first_member), state.path(), scaler),
        .netns = net.add_host(name).name()});
  }

  // Reports load for every instance this host runs (where its load monitor would).
  void report_load(double load) const {
    json table = json::object();
    std::optional<json> actual;
    REQUIRE(eventually([&] { return (actual = daemon->port("instances.actual")).has_value(); }));
    for (const auto& [name, instance] : actual->items()) {
      table[name] = load;
    }
    REQUIRE(daemon->ctl({"set", "load.by_instance", table.dump()}).status == 0);
  }

  void set_count(int count) const {
    REQUIRE(daemon->ctl({"set", "scale.web.desired", std::to_string(count)}).status == 0);
  }

  // The pids of the group's instances this host runs, or an empty list while it cannot say.
  std::vector<pid_t> running() const {
    std::vector<pid_t> pids;
    const auto actual = daemon->port("instances.actual");
    if (!actual) return pids;
    for (const auto& [name, instance] : actual->items()) {
      if (instance["state"] != "running") return {};  // starting or stopping: not settled
      pids.push_back(instance["backend_id"].get<pid_t>());
    }
    std::sort(pids.begin(), pids.end());
    return pids;
  }

  json placement() const {
    return daemon->port("cluster.led.scale.web.placement").value_or(json());
  }
  json leader() const { return daemon->port("cluster.leader.placement").value_or(json()); }
};

// Whether every host holds placement as the leader's and runs exactly its share of it.
bool settled(const std::vector<const Host*>& hosts, const json& placement) {
  return std::all_of(hosts.begin(), hosts.end(), [&](const Host* h) {
    return h->placement() == placement &&
           h->running().size() == placement[h->name].get<std::size_t>();
  });
}

bool contains_all(const std::vector<pid_t>& now, const std::vector<pid_t>& before) {
  return std::includes(now.begin(), now.end(), before.begin(), before.end());
}

// Three hosts, a, b and c, a leading the placement role; the test is the subreaper of the
// instances a killed mirarid leaves, and kills every one at its end.
struct ThreeHosts {
  ThreeHosts() { REQUIRE(::prctl(PR_SET_CHILD_SUBREAPER, 1) == 0); }

  KillInstancesAtEnd cleanup;
  ClusterNetwork net;
  Host a{"a", net, 0};
  bool a_leads = eventually([&] { return a.leader()["host"] == "a"; });
  Host b{"b", net, 1};
  Host c{"c", net, 2};
  const std::vector<const Host*> all{&a, &b, &c};
};

}  // namespace

TEST_CASE(
    "multi-host: scenario 3: a group spread over three hosts survives a killed etcd member "
    "and a killed leader, and none of its instances is started twice",
    "[cluster]") {
  ThreeHosts hosts;
  REQUIRE(hosts.a_leads);
  auto [a, b, c, all, net] = std::tie(hosts.a, hosts.b, hosts.c, hosts.all, hosts.net);
  for (const Host* h : all) h->set_count(3);
  REQUIRE(eventually([&] { return settled(all, {{"a", 1}, {"b", 1}, {"c", 1}}); }));

  // Quorum holds with two members of three: the group grows all the same.
  net.etcd().kill(0);
  for (const Host* h : all) h->set_count(5);
  REQUIRE(eventually([&] { return settled(all, {{"a", 2}, {"b", 2}, {"c", 1}}); }));
  const std::vector<pid_t> of_a = a.running(), of_b = b.running(), of_c = c.running();

  // The leader dies: b takes office once a's lease expires, and places the group over the
  // two hosts left. b and c keep what they ran and start only what their new share adds.
  a.daemon->signal(SIGKILL);
  REQUIRE(a.daemon->wait_exit());
  const std::vector<const Host*> left{&b, &c};
  REQUIRE(eventually([&] { return settled(left, {{"b", 3}, {"c", 2}}); }));
  CHECK(b.leader()["host"] == "b");
  CHECK(contains_all(b.running(), of_b));
  CHECK(contains_all(c.running(), of_c));

  // a comes back: it adopts the instances it left running, stands again behind b and c, and
  // the placement spreads over three again. None of a's is started anew.
  a.daemon->restart();
  REQUIRE(eventually([&] { return settled(all, {{"a", 2}, {"b", 2}, {"c", 1}}); }));
  CHECK(a.running() == of_a);
  CHECK(a.leader()["host"] == "b");
  CHECK(a.daemon->log_shows("adopted web-1"));
}

TEST_CASE(
    "multi-host: scenario 3: a host cut off from etcd is placed around, and stops its "
    "surplus when it returns",
    "[cluster]") {
  ThreeHosts hosts;
  REQUIRE(hosts.a_leads);
  auto [a, b, c, all, net] = std::tie(hosts.a, hosts.b, hosts.c, hosts.all, hosts.net);
  const std::vector<const Host*> reachable{&a, &b};
  for (const Host* h : all) h->set_count(6);
  REQUIRE(eventually([&] { return settled(all, {{"a", 2}, {"b", 2}, {"c", 2}}); }));
  const std::vector<pid_t> of_c = c.running();

  // c's lease expires behind the firewall: the leader places c's share on a and b. c hears
  // nothing and keeps what it ran.
  net.cut("c");
  REQUIRE(eventually([&] { return settled(reachable, {{"a", 3}, {"b", 3}}); }));
  CHECK(c.running() == of_c);

  // The group shrinks while c is away, to fewer instances than hosts.
  for (const Host* h : all) h->set_count(2);
  REQUIRE(eventually([&] { return settled(reachable, {{"a", 1}, {"b", 1}}); }));
  const std::vector<pid_t> of_a = a.running(), of_b = b.running();

  // c returns and reads what it missed. Its share is 0 both in the placement made without it
  // and in the one the leader makes once c stands again (a host reads only the latest of
  // several placements that arrive together), so the two it still ran are surplus either way
  // and it stops them rather than keep duplicates of a's and b's.
  net.heal("c");
  REQUIRE(eventually([&] { return settled(all, {{"a", 1}, {"b", 1}, {"c", 0}}); }));
  CHECK(eventually([&] {
    return std::none_of(of_c.begin(), of_c.end(), [](pid_t pid) { return ::kill(pid, 0) == 0; });
  }));

  // It stands again: when the group grows, the leader counts c, which runs its new share while
  // a and b keep theirs.
  for (const Host* h : all) h->set_count(3);
  REQUIRE(eventually([&] { return settled(all, {{"a", 1}, {"b", 1}, {"c", 1}}); }));
  CHECK(a.running() == of_a);
  CHECK(b.running() == of_b);
  CHECK(c.daemon->log_shows("expired; asking for a new one"));
}

// The count comes from the leader's threshold scaler, which reads every host's instances and
// load as one group through the cluster plugin's merged ports.
TEST_CASE("multi-host: scenario 3: the leader's scaler counts the load of every host's instances",
          "[cluster]") {
  REQUIRE(::prctl(PR_SET_CHILD_SUBREAPER, 1) == 0);
  KillInstancesAtEnd cleanup;
  ClusterNetwork net;
  Host a("a", net, 0, true);
  REQUIRE(eventually([&] { return a.leader()["host"] == "a"; }));
  Host b("b", net, 1, true);
  const std::vector<const Host*> all{&a, &b};
  REQUIRE(eventually([&] { return settled(all, {{"a", 1}, {"b", 1}}); }));  // min_instances

  // Busy everywhere: the group grows to its maximum, spread over both hosts.
  for (const Host* h : all) h->report_load(0.95);
  REQUIRE(eventually([&] { return settled(all, {{"a", 2}, {"b", 2}}); }));
  CHECK(a.daemon->port("scale.web.desired") == json(4));

  // Idle everywhere: back to the minimum.
  for (const Host* h : all) h->report_load(0.05);
  REQUIRE(eventually([&] { return settled(all, {{"a", 1}, {"b", 1}}); }));
  CHECK(a.daemon->port("scale.web.desired") == json(2));
}
