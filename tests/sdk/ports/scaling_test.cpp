// The catalogue's scaling ports (mirari/ports/scaling.hpp, instances.hpp, clock.hpp): group
// port names, and the names and JSON forms of the ports policies read.
#include <catch2/catch.hpp>

#include <string>

#include "mirari/mirari.hpp"
#include "mirari/ports/clock.hpp"
#include "mirari/ports/instances.hpp"
#include "mirari/ports/load.hpp"
#include "mirari/ports/scaling.hpp"

namespace mirari {
namespace {

using ports::InstancesActual;
using ports::InstanceState;
using ports::InstanceStatus;

TEST_CASE("every scaler's port is named after its group") {
  CHECK(ports::desired_count_port("web") == "scale.web.desired");
  CHECK(ports::desired_count_port("db_2-a") == "scale.db_2-a.desired");
}

TEST_CASE("a group name that would not be one component of a port name is refused") {
  CHECK_FALSE(ports::is_group_name(""));
  CHECK_FALSE(ports::is_group_name("a.b"));
  CHECK_FALSE(ports::is_group_name("web 1"));
  CHECK_FALSE(ports::is_group_name(std::string(64, 'a')));
  CHECK(ports::is_group_name(std::string(63, 'a')));
  CHECK_THROWS_WITH(ports::desired_count_port("a.b"),
                    "'a.b' is not a scaling group name (1 to 63 letters, digits, '-' or '_')");
}

TEST_CASE("the catalogue's ports carry stable type names") {
  CHECK(type_name<ports::load::LoadByInstance>() == "table<string,float64>");
  CHECK(type_name<InstancesActual>() == "table<string,instances.status>");
  CHECK(type_name<ports::ClockMs>() == "int64");
  CHECK(type_name<ports::DesiredCount>() == "int32");
}

TEST_CASE("instances.actual reads and writes as JSON") {
  Graph graph;
  auto actual = graph.subscribe<InstancesActual>(ports::kInstancesActual);
  graph.write_port_json(ports::kInstancesActual,
                        R"({"web-1": {"group": "web", "state": "running", "since": 1200},
                            "web-2": {"group": "web", "state": "starting", "since": 1300}})");
  graph.run_until_idle();
  REQUIRE(actual.value().size() == 2);
  CHECK(actual.value().at("web-1") == InstanceStatus{"web", InstanceState::running, 1200});
  CHECK(actual.value().at("web-2") == InstanceStatus{"web", InstanceState::starting, 1300});
  // Written out, the instance manager's fields take their defaults.
  CHECK(nlohmann::json::parse(graph.port_json(ports::kInstancesActual))["web-1"] ==
        nlohmann::json::parse(R"({"group": "web", "state": "running", "since": 1200,
                                  "extra": null, "spec_hash": "", "backend_id": 0,
                                  "status": null, "reason": "", "failures": 0,
                                  "retry_at": 0, "port": ""})"));
}

TEST_CASE("an instance's full status round-trips through JSON, with null for what is absent") {
  InstanceStatus s{"web", InstanceState::exited, 1'700};
  s.spec_hash = "0123456789abcdef";
  s.backend_id = 4242;
  s.status = 137;
  const nlohmann::json j = s;
  CHECK(j == nlohmann::json::parse(R"({"group": "web", "state": "exited", "since": 1700,
                                       "extra": null, "spec_hash": "0123456789abcdef",
                                       "backend_id": 4242, "status": 137, "reason": "",
                                       "failures": 0, "retry_at": 0, "port": ""})"));
  CHECK(j.get<InstanceStatus>() == s);

  InstanceStatus failed = s;
  failed.extra = "probe";
  failed.state = InstanceState::failed;
  failed.status.reset();
  failed.reason = "cannot start '/x': No such file or directory";
  failed.failures = 3;
  failed.retry_at = 5'700;
  CHECK(nlohmann::json(failed).at("extra") == "probe");
  CHECK(nlohmann::json(failed).at("status").is_null());
  CHECK(nlohmann::json(failed).get<InstanceStatus>() == failed);
}

TEST_CASE("the instance manager's other ports carry stable type names") {
  CHECK(type_name<std::vector<ports::InstanceEvent>>() == "list<instances.event>");
  CHECK(type_name<ports::InstanceSpecs>() == "table<string,instances.spec>");
  CHECK(type_name<ports::InstanceConfigs>() == "table<string,map<string,string>>");
}

TEST_CASE("a spec's JSON form may leave out empty args and env, not group or command") {
  using ports::InstanceSpec;
  const InstanceSpec spec = nlohmann::json::parse(R"({"group": "web", "command": "/bin/web"})");
  CHECK(spec == InstanceSpec{"web", "/bin/web", {}, {}});
  const InstanceSpec full{"web", "/bin/web", {"-v"}, {"A=1"}};
  CHECK(nlohmann::json(full).get<InstanceSpec>() == full);
  CHECK_THROWS_AS(nlohmann::json::parse(R"({"command": "/bin/web"})").get<InstanceSpec>(),
                  nlohmann::json::exception);
  CHECK(nlohmann::json::parse(R"({"probe": {"group": "web", "command": "/bin/p"}})")
            .get<ports::InstanceSpecs>() ==
        ports::InstanceSpecs{{"probe", InstanceSpec{"web", "/bin/p", {}, {}}}});
  CHECK(nlohmann::json(ports::InstanceConfigs{{"web-1", {{"level", "debug"}}}}).dump() ==
        R"({"web-1":{"level":"debug"}})");
}

TEST_CASE("an instance event's JSON form names the instance and both sides") {
  using ports::InstanceEvent;
  const InstanceEvent e{InstanceEvent::Kind::added, "web-1", std::nullopt,
                        InstanceStatus{"web", InstanceState::running, 5}};
  const nlohmann::json j = e;
  CHECK(j.at("kind") == "added");
  CHECK(j.at("name") == "web-1");
  CHECK(j.at("old").is_null());
  CHECK(j.at("new").at("state") == "running");
  CHECK(j.get<InstanceEvent>() == e);
}

TEST_CASE("the spec hash is fixed by command, args and env, not by group") {
  using ports::InstanceSpec;
  using ports::spec_hash;
  const InstanceSpec a{"web", "/bin/web", {"-v"}, {"A=1"}};
  CHECK(spec_hash(a).size() == 16);
  CHECK(spec_hash(a) == spec_hash(InstanceSpec{"db", "/bin/web", {"-v"}, {"A=1"}}));
  CHECK(spec_hash(a) != spec_hash(InstanceSpec{"web", "/bin/web", {"-w"}, {"A=1"}}));
  CHECK(spec_hash(a) != spec_hash(InstanceSpec{"web", "/bin/web", {"-v"}, {"A=2"}}));
  CHECK(spec_hash(a) != spec_hash(InstanceSpec{"web", "/bin/web2", {"-v"}, {"A=1"}}));
  // Kept in state files across restarts: the value must not change between builds.
  CHECK(spec_hash(InstanceSpec{"web", "/bin/sleep", {"1000"}, {}}) == "1bb6f65a6470dced");
}

TEST_CASE("every instance state has a name, and a name that is no state is refused") {
  for (const InstanceState s :
       {InstanceState::starting, InstanceState::running, InstanceState::stopping,
        InstanceState::exited, InstanceState::failed}) {
    CHECK(ports::instance_state(ports::to_string(s)) == s);
  }
  Graph graph;
  auto actual = graph.subscribe<InstancesActual>(ports::kInstancesActual);
  CHECK_THROWS_WITH(
      graph.write_port_json(ports::kInstancesActual,
                            R"({"web-1": {"group": "web", "state": "runing", "since": 0}})"),
      Catch::Contains("'runing' is not an instance state (starting, running, stopping, exited or "
                      "failed)"));
  CHECK_THROWS_WITH(graph.write_port_json(ports::kInstancesActual,
                                          R"({"web-1": {"group": "web", "state": "running"}})"),
                    Catch::Contains("is not a value of port 'instances.actual'"));
  CHECK(graph.idle());
  CHECK(actual.value().empty());
}

}  // namespace
}  // namespace mirari
