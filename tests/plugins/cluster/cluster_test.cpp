// The cluster plugin between real mirarid processes, through a real three-member etcd cluster
// on loopback ports (tests/support/etcd_cluster.hpp). Host A exports routes.desired, written
// with mirarictl; host B imports it and is read with mirarictl. Nothing asserts a duration:
// eventually() only bounds the waits.
#include <catch2/catch.hpp>

#include <csignal>
#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

#include "command.hpp"
#include "daemon.hpp"
#include "etcd_client.hpp"
#include "etcd_cluster.hpp"
#include "imported_routes.hpp"
#include "port_codecs.hpp"

using mirari::test::Daemon;
using mirari::test::DaemonOptions;
using mirari::test::eventually;
using mirari::test::imports;
using mirari::test::routes;
using mirari::test::set_routes;
using mirari::testing::EtcdCluster;
using nlohmann::json;

namespace {

constexpr const char* kKeyA = "/mirari/t/hosts/a/ports/routes.desired";

std::string cluster_config(const std::string& host, const std::string& endpoints,
                           const std::string& more) {
  return std::string("[plugins.cluster]\nfile = \"") + MIRARI_CLUSTER_SO + "\"\nhost = \"" + host +
         "\"\ncluster = \"t\"\nendpoints = " + endpoints + "\nttl = 2\ntimeout_ms = 1000\n" + more;
}

// A exports routes.desired; B imports it, and names A among the hosts it publishes one by one.
DaemonOptions exporter(const EtcdCluster& etcd, int first_member = 0) {
  return {
      cluster_config("a", etcd.toml_endpoints(first_member), "export = [\"routes.desired\"]\n")};
}
DaemonOptions importer(const EtcdCluster& etcd, int first_member = 0) {
  return {cluster_config("b", etcd.toml_endpoints(first_member),
                         "import = [\"routes.desired\"]\nhosts = [\"a\"]\n")};
}

// A's record in etcd (etcdctl's first line: its warnings may follow).
json record_of_a(const EtcdCluster& etcd) {
  const std::string out = etcd.ctl({"get", "--print-value-only", kKeyA});
  return json::parse(out.substr(0, out.find('\n')));
}

std::int64_t put(const EtcdCluster& etcd, const std::string& key, const std::string& value) {
  return json::parse(etcd.ctl({"put", "-w", "json", key, value}))["header"]["revision"]
      .get<std::int64_t>();
}

}  // namespace

TEST_CASE("cluster: a port exported by one host appears at another as cluster.<host>.<port>",
          "[cluster]") {
  EtcdCluster etcd;
  Daemon a(exporter(etcd));
  Daemon b(importer(etcd));

  set_routes(a, routes("198.51.100.0/24"));
  CHECK(eventually([&] { return imports(b, routes("198.51.100.0/24")); }));

  // In etcd: the port's JSON form, with its type and layout fingerprint beside it.
  const json record = record_of_a(etcd);
  CHECK(record["type"] == "table<string,routes.router>");
  CHECK(record["fingerprint"].get<std::string>().size() == 16);
  CHECK(record["value"] == routes("198.51.100.0/24"));

  set_routes(a, routes("203.0.113.0/24"));
  CHECK(eventually([&] { return imports(b, routes("203.0.113.0/24")); }));
  // A host imports nothing of its own.
  CHECK(a.port("cluster.all.routes.desired") == std::nullopt);
}

TEST_CASE("cluster: a watch whose member is killed resumes on another from the next revision",
          "[cluster]") {
  EtcdCluster etcd;
  Daemon a(exporter(etcd, 1));
  Daemon b(importer(etcd, 0));
  REQUIRE(b.log_shows("on " + etcd.endpoints()[0]));
  set_routes(a, routes("198.51.100.0/24"));
  REQUIRE(eventually([&] { return imports(b, routes("198.51.100.0/24")); }));
  const auto before = json::parse(etcd.ctl({"get", "-w", "json", kKeyA}));
  const std::int64_t seen = before["kvs"][0]["mod_revision"].get<std::int64_t>();

  etcd.kill(0);
  set_routes(a, routes("203.0.113.0/24"));
  REQUIRE(eventually([&] { return record_of_a(etcd)["value"] == routes("203.0.113.0/24"); }));
  set_routes(a, routes("203.0.113.128/25"));

  CHECK(eventually([&] { return imports(b, routes("203.0.113.128/25")); }));
  CHECK(b.log_shows("watching again from revision " + std::to_string(seen + 1)));
}

TEST_CASE("cluster: a host whose lease expires vanishes from the imported ports", "[cluster]") {
  EtcdCluster etcd;
  Daemon a(exporter(etcd));
  Daemon b(importer(etcd));
  set_routes(a, routes("198.51.100.0/24"));
  REQUIRE(eventually([&] { return imports(b, routes("198.51.100.0/24")); }));

  // Killed, A cannot revoke its lease: it stops renewing it, and etcd lets it expire.
  a.signal(SIGKILL);
  REQUIRE(a.wait_exit());
  CHECK(eventually([&] {
    return b.port("cluster.all.routes.desired") == json::object() &&
           b.port("cluster.a.routes.desired") == json::object();
  }));
  CHECK(etcd.ctl({"get", "--prefix", "/mirari/t/hosts/a/"}).empty());
}

TEST_CASE("cluster: another layout, a bad value and a foreign key are refused, naming the key",
          "[cluster]") {
  EtcdCluster etcd;
  Daemon a(exporter(etcd));
  Daemon b(importer(etcd));
  set_routes(a, routes("198.51.100.0/24"));
  REQUIRE(eventually([&] { return imports(b, routes("198.51.100.0/24")); }));
  json record = record_of_a(etcd);
  const std::string fingerprint = record["fingerprint"];

  SECTION("a host whose type has another layout is refused, not misread") {
    record["fingerprint"] = "0123456789abcdef";
    put(etcd, "/mirari/t/hosts/x/ports/routes.desired", record.dump());
    CHECK(
        b.log_shows("host 'x' exports port 'routes.desired' as table<string,routes.router> "
                    "(fingerprint 0123456789abcdef), this host reads it as "
                    "table<string,routes.router> (fingerprint " +
                    fingerprint + "): refused"));
  }
  SECTION("a value that is not one of the port's type is logged with its key and revision") {
    record["value"] = json{{"B", {{"routes", "none"}}}};
    const auto revision = put(etcd, "/mirari/t/hosts/y/ports/routes.desired", record.dump());
    CHECK(b.log_shows("key /mirari/t/hosts/y/ports/routes.desired at revision " +
                      std::to_string(revision) + ": not a value of port 'routes.desired'"));
    const auto text = put(etcd, "/mirari/t/hosts/y/ports/routes.desired", "not json");
    CHECK(b.log_shows("key /mirari/t/hosts/y/ports/routes.desired at revision " +
                      std::to_string(text) +
                      ": not a value of port 'routes.desired' (not a "
                      "JSON object): ignored"));
  }
  SECTION("keys of a foreign layout are ignored") {
    put(etcd, "/mirari/t/hosts/z/routes.desired", record.dump());
    put(etcd, "/mirari/t/hosts/z/ports/routes.desired/more", record.dump());
  }
  // Nothing of x, y or z reached the graph, and A's next value still lands.
  set_routes(a, routes("203.0.113.0/24"));
  CHECK(eventually([&] { return imports(b, routes("203.0.113.0/24")); }));
}

TEST_CASE("cluster: a port the plugin cannot carry is refused with the carried ones", "[cluster]") {
  CHECK_THROWS_WITH(
      Daemon({cluster_config("a", "[\"127.0.0.1:1\"]", "export = [\"no.such\"]\n")}),
      Catch::Contains("'cluster' refused its configuration: export: port 'no.such' cannot be "
                      "carried between hosts (carried ports: instances.actual, load.by_instance, "
                      "load.total, net.links, routes.applied, routes.desired, "
                      "scale.{group}.placement)"));
}

TEST_CASE("cluster: the first host to stand leads a role until its lease expires, then the next",
          "[cluster]") {
  EtcdCluster etcd;
  Daemon a({cluster_config("a", etcd.toml_endpoints(), "roles = [\"placement\"]\n")});
  auto leader = [](const Daemon& host) {
    return host.port("cluster.leader.placement").value_or(json());
  };
  REQUIRE(eventually([&] { return leader(a)["host"] == "a"; }));
  const std::int64_t first_term = leader(a)["term"];
  Daemon b({cluster_config("b", etcd.toml_endpoints(1), "roles = [\"placement\"]\n")});
  REQUIRE(b.log_shows("standing for election at /mirari/t/election/placement/"));
  CHECK(eventually([&] { return leader(b) == json{{"host", "a"}, {"term", first_term}}; }));

  a.signal(SIGKILL);
  REQUIRE(a.wait_exit());
  CHECK(eventually([&] { return leader(b)["host"] == "b"; }));
  CHECK(leader(b)["term"].get<std::int64_t>() > first_term);
}

TEST_CASE("cluster: keys changed at one etcd revision land in one tick", "[cluster]") {
  EtcdCluster etcd;
  Daemon b(importer(etcd));
  std::filesystem::path out;
  auto watch = b.ctl_background({"watch", "cluster.all.routes.desired"}, out);
  auto lines = [&] {
    std::vector<json> seen;
    std::istringstream text(mirari::test::read_file(out));
    for (std::string line; std::getline(text, line);) seen.push_back(json::parse(line));
    return seen;
  };
  REQUIRE(eventually([&] { return lines().size() == 1; }));

  // Two hosts' ports in one transaction: one revision.
  namespace cluster = mirari::cluster;
  const auto& type = cluster::find_codec("routes.desired")->type();
  auto request_put = [&](const std::string& host, const json& value) {
    return json{
        {"request_put",
         {{"key", cluster::base64_encode("/mirari/t/hosts/" + host + "/ports/routes.desired")},
          {"value", cluster::base64_encode(cluster::encode_record(type, value.dump()))}}}};
  };
  cluster::EtcdClient client(etcd.endpoints(), std::chrono::seconds(2));
  client.call("/v3/kv/txn", json{{"success",
                                  {request_put("x", routes("198.51.100.0/24")),
                                   request_put("y", routes("203.0.113.0/24"))}}}
                                .dump());

  REQUIRE(eventually([&] { return lines().size() >= 2; }));
  CHECK(lines()[1] ==
        json{{"changed", {{"x", routes("198.51.100.0/24")}, {"y", routes("203.0.113.0/24")}}},
             {"removed", json::array()}});
}

// The fencing transaction against a real etcd: a write guarded by a candidacy at its term is
// made while the candidacy lives, and refused, leaving the value as it was, once the lease
// that held it is gone, or when the guard names an older term of the same key.
TEST_CASE("cluster: a write fenced by a leader's term is refused once its candidacy is gone",
          "[cluster]") {
  namespace cluster = mirari::cluster;
  EtcdCluster etcd;
  cluster::EtcdClient client(etcd.endpoints(), std::chrono::seconds(2));
  const std::string candidacy = "/mirari/t/election/placement/1", key = "/mirari/t/led/p";
  auto value = [&] {
    const auto all = cluster::parse_range(client.call("/v3/kv/range", cluster::range_request(key)));
    return all.kvs.empty() ? std::string() : all.kvs.front().value;
  };
  auto fenced_put = [&](const std::string& v, std::int64_t term) {
    return cluster::parse_txn(
               client.call("/v3/kv/txn", cluster::fenced_put_request(key, v, candidacy, term)))
        .succeeded;
  };
  const auto lease =
      cluster::parse_lease_grant(client.call("/v3/lease/grant", cluster::lease_grant_request(60)));
  const std::int64_t term = cluster::parse_revision(
      client.call("/v3/kv/put", cluster::put_request(candidacy, "a", lease.id)));

  CHECK(fenced_put("first", term));
  CHECK(value() == "first");
  CHECK_FALSE(fenced_put("older term", term - 1));
  CHECK(value() == "first");

  cluster::parse_revision(
      client.call("/v3/lease/revoke", cluster::lease_id_request(lease.id)));  // deposed
  CHECK_FALSE(fenced_put("late", term));
  CHECK(value() == "first");

  // The same key made again is a new term: the old one stays refused.
  cluster::parse_revision(client.call("/v3/kv/put", cluster::put_request(candidacy, "a", 0)));
  CHECK_FALSE(fenced_put("late again", term));
  CHECK(value() == "first");
}

// A led port: every host standing for the role offers its own value, only the leader's is
// written, and every host, the leader included, reads that one back as cluster.led.<port>.
// When the leader goes, the next takes office and writes its own, with its term.
TEST_CASE("cluster: a led port holds the leader's value, then the next leader's", "[cluster]") {
  EtcdCluster etcd;
  auto config = [&](const std::string& host, int first) {
    return DaemonOptions{cluster_config(host, etcd.toml_endpoints(first),
                                        "roles = [\"placement\"]\n"
                                        "[[plugins.cluster.lead]]\n"
                                        "port = \"scale.web.placement\"\n"
                                        "role = \"placement\"\n")};
  };
  Daemon a(config("a", 0));
  REQUIRE(eventually([&] {
    auto leader = a.port("cluster.leader.placement");
    return leader && (*leader)["host"] == "a";
  }));
  Daemon b(config("b", 1));
  REQUIRE(eventually([&] {
    return b.port("cluster.members.placement") == json{"a", "b"} &&
           a.port("cluster.members.placement") == json{"a", "b"};
  }));
  const json of_a{{"a", 1}, {"b", 2}}, of_b{{"b", 3}};
  REQUIRE(b.ctl({"set", "scale.web.placement", of_b.dump()}).status == 0);
  REQUIRE(a.ctl({"set", "scale.web.placement", of_a.dump()}).status == 0);
  auto led = [](const Daemon& host) {
    return host.port("cluster.led.scale.web.placement").value_or(json());
  };
  REQUIRE(eventually([&] { return led(a) == of_a && led(b) == of_a; }));
  auto stored = [&] {
    const std::string out =
        etcd.ctl({"get", "--print-value-only", "/mirari/t/led/scale.web.placement"});
    return json::parse(out.substr(0, out.find('\n')));
  };
  CHECK(stored()["leader"] == "a");
  CHECK(stored()["term"] == a.port("cluster.leader.placement").value()["term"]);

  a.signal(SIGKILL);
  REQUIRE(a.wait_exit());
  CHECK(eventually([&] { return led(b) == of_b; }));
  CHECK(stored()["leader"] == "b");
  CHECK(stored()["term"] == b.port("cluster.leader.placement").value()["term"]);
  CHECK(b.port("cluster.members.placement") == json{"b"});
}

TEST_CASE("cluster: a led port the plugin cannot carry, or led twice, is refused", "[cluster]") {
  auto start = [](const std::string& lead) {
    Daemon a({cluster_config("a", "[\"127.0.0.1:1\"]", lead)});
  };
  CHECK_THROWS_WITH(start("[[plugins.cluster.lead]]\nport = \"scale.web.desired\"\nrole = \"p\"\n"),
                    Catch::Contains("port 'scale.web.desired' cannot be carried between hosts"));
  CHECK_THROWS_WITH(start("[[plugins.cluster.lead]]\nport = \"scale.w.placement\"\nrole = "
                          "\"p\"\n[[plugins.cluster.lead]]\nport = \"scale.w.placement\"\n"
                          "role = \"q\"\n"),
                    Catch::Contains("port 'scale.w.placement' is led twice"));
}

// A table keyed by name is also published merged: this host's entries and every other host's,
// each under "<host>/<key>", so a policy reads the whole cluster's load as one host's.
TEST_CASE("cluster: an imported table keyed by name is merged with this host's own", "[cluster]") {
  EtcdCluster etcd;
  Daemon a({cluster_config("a", etcd.toml_endpoints(), "export = [\"load.by_instance\"]\n")});
  Daemon b({cluster_config("b", etcd.toml_endpoints(1), "import = [\"load.by_instance\"]\n")});
  REQUIRE(a.ctl({"set", "load.by_instance", R"({"web-1": 0.5, "web-2": 0.25})"}).status == 0);
  REQUIRE(b.ctl({"set", "load.by_instance", R"({"web-1": 1.0})"}).status == 0);
  CHECK(eventually([&] {
    return b.port("cluster.merged.load.by_instance") ==
           json{{"a/web-1", 0.5}, {"a/web-2", 0.25}, {"b/web-1", 1.0}};
  }));
  REQUIRE(a.ctl({"set", "load.by_instance", R"({"web-2": 0.75})"}).status == 0);
  CHECK(eventually([&] {
    return b.port("cluster.merged.load.by_instance") == json{{"a/web-2", 0.75}, {"b/web-1", 1.0}};
  }));
  a.signal(SIGTERM);
  REQUIRE(a.wait_exit() == 0);
  CHECK(eventually([&] {
    return b.port("cluster.merged.load.by_instance") == json{{"b/web-1", 1.0}};
  }));
}

// The values a plugin wrote into the graph belong to its library's code: once a reload has
// closed the old library, none of them may be left for the graph to destroy at exit.
TEST_CASE(
    "cluster: mirarid exits cleanly after the cluster plugin that imported values is "
    "reloaded",
    "[cluster]") {
  EtcdCluster etcd;
  Daemon a(exporter(etcd));
  Daemon b(importer(etcd, 1));
  set_routes(a, routes("198.51.100.0/24"));
  REQUIRE(eventually([&] { return imports(b, routes("198.51.100.0/24")); }));
  REQUIRE(b.ctl({"reload", "cluster"}).status == 0);
  REQUIRE(eventually([&] { return imports(b, routes("198.51.100.0/24")); }));
  b.signal(SIGTERM);
  CHECK(b.wait_exit() == 0);
}
