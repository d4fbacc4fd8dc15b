// The port types' stable names and JSON forms, and the spec hash.
#include <catch2/catch.hpp>

#include <mirari/type_name.hpp>

#include "instances.hpp"

using mirari::type_name;
using mirari::instances::Instance;
using mirari::instances::InstanceConfigs;
using mirari::instances::InstanceEvent;
using mirari::instances::InstanceSpec;
using mirari::instances::InstanceSpecs;
using mirari::instances::InstanceTable;
using mirari::instances::Phase;
using mirari::instances::spec_hash;
using nlohmann::json;

TEST_CASE("port types have stable names") {
  CHECK(type_name<InstanceSpecs>() == "table<string,instances.spec>");
  CHECK(type_name<InstanceTable>() == "table<string,instances.instance>");
  CHECK(type_name<std::vector<InstanceEvent>>() == "list<instances.event>");
  CHECK(type_name<InstanceConfigs>() == "table<string,map<string,string>>");
  CHECK(type_name<std::int64_t>() == "int64");
}

TEST_CASE("an instance's JSON form round-trips, with null for what is absent") {
  Instance i;
  i.group = "web";
  i.spec_hash = "0123456789abcdef";
  i.backend_id = 4242;
  i.state = Phase::exited;
  i.status = 137;
  i.since = 1'700'000'000'000;
  const json j = i;
  CHECK(j == json::parse(R"({"group": "web", "extra": null, "spec_hash": "0123456789abcdef",
                             "backend_id": 4242, "state": "exited", "status": 137,
                             "reason": "", "since": 1700000000000, "failures": 0,
                             "retry_at": 0})"));
  CHECK(j.get<Instance>() == i);

  Instance failed = i;
  failed.extra = "probe";
  failed.state = Phase::failed;
  failed.status.reset();
  failed.reason = "cannot start '/x': No such file or directory";
  failed.failures = 3;
  failed.retry_at = 1'700'000'004'000;
  CHECK(json(failed).at("extra") == "probe");
  CHECK(json(failed).at("status").is_null());
  CHECK(json(failed).get<Instance>() == failed);
}

TEST_CASE("a spec's JSON form may leave out empty args and env") {
  const InstanceSpec spec = json::parse(R"({"group": "web", "command": "/bin/web"})");
  CHECK(spec == InstanceSpec{"web", "/bin/web", {}, {}});
  const InstanceSpec full{"web", "/bin/web", {"-v"}, {"A=1"}};
  CHECK(json(full).get<InstanceSpec>() == full);
  CHECK_THROWS_AS(json::parse(R"({"command": "/bin/web"})").get<InstanceSpec>(),
                  nlohmann::json::exception);
}

TEST_CASE("an event's JSON form names the instance and both sides") {
  Instance now;
  now.group = "web";
  now.state = Phase::running;
  const InstanceEvent e{InstanceEvent::Kind::added, "web-1", std::nullopt, now};
  const json j = e;
  CHECK(j.at("kind") == "added");
  CHECK(j.at("name") == "web-1");
  CHECK(j.at("old").is_null());
  CHECK(j.at("new").at("state") == "running");
  CHECK(j.get<InstanceEvent>() == e);
}

TEST_CASE("tables of instances are JSON objects keyed by name") {
  const InstanceConfigs configs{{"web-1", {{"level", "debug"}}}};
  CHECK(json(configs).dump() == R"({"web-1":{"level":"debug"}})");
  CHECK(json::parse(R"({"probe": {"group": "web", "command": "/bin/p"}})").get<InstanceSpecs>() ==
        InstanceSpecs{{"probe", InstanceSpec{"web", "/bin/p", {}, {}}}});
}

TEST_CASE("the spec hash is fixed by command, args and env, not by group") {
  const InstanceSpec a{"web", "/bin/web", {"-v"}, {"A=1"}};
  CHECK(spec_hash(a) == spec_hash(a));
  CHECK(spec_hash(a).size() == 16);
  CHECK(spec_hash(a) == spec_hash(InstanceSpec{"db", "/bin/web", {"-v"}, {"A=1"}}));
  CHECK(spec_hash(a) != spec_hash(InstanceSpec{"web", "/bin/web", {"-w"}, {"A=1"}}));
  CHECK(spec_hash(a) != spec_hash(InstanceSpec{"web", "/bin/web", {"-v"}, {"A=2"}}));
  CHECK(spec_hash(a) != spec_hash(InstanceSpec{"web", "/bin/web2", {"-v"}, {"A=1"}}));
  // Stored in state files: the value must not change between builds.
  CHECK(spec_hash(InstanceSpec{"web", "/bin/sleep", {"1000"}, {}}) == "1bb6f65a6470dced");
}
