// The port catalogue: the names and JSON forms of the ports plugins share.
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
  CHECK(type_name<ports::LoadByInstance>() == "table<string,float64>");
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
  CHECK(nlohmann::json::parse(graph.port_json(ports::kInstancesActual)) ==
        nlohmann::json::parse(R"({"web-1": {"group": "web", "state": "running", "since": 1200},
                                  "web-2": {"group": "web", "state": "starting", "since": 1300}})"));
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
