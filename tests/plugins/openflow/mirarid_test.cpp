// The openflow plugin in a real mirarid (its executor's threads, its I/O loop), driven and read
// with the real mirarictl, against a real Open vSwitch of the test's own.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "daemon.hpp"
#include "ovs_switch.hpp"

using mirari::test::Daemon;
using mirari::test::eventually;
using mirari::testing::OvsSwitch;
using nlohmann::json;

namespace {

std::string config(const OvsSwitch& ovs) {
  return std::string(mirari::test::kWatchNothing) +
         "\n[plugins.openflow]\n"
         "file = \"" MIRARI_OPENFLOW_SO
         "\"\n"
         "ovs_rundir = \"" +
         ovs.rundir().string() + "\"\nverify_ms = 100\n";
}

void set(const Daemon& daemon, const std::string& port, const std::string& value) {
  const auto r = daemon.ctl({"set", port, value});
  INFO(r.err);
  REQUIRE(r.status == 0);
}

const std::vector<std::string> kDump = {"priority=10 actions=drop",
                                        "priority=100,ip,in_port=p1 actions=output:p2"};

}  // namespace

TEST_CASE("in mirarid, a set is applied, an invalid one refused, and drift repaired",
          "[openflow]") {
  OvsSwitch ovs;
  ovs.add_bridge("br0");
  ovs.add_internal_port("br0", "p1");
  ovs.add_internal_port("br0", "p2");
  Daemon daemon({config(ovs)});

  set(daemon, "flows.desired",
      R"({"br0": {"flows": [{"priority": 100, "match": "in_port=p1,ip", "actions": "output:p2"},
                            {"priority": 10, "match": "", "actions": "drop"}]}})");
  CHECK(eventually([&] { return ovs.dump_flows("br0") == kDump; }));
  CHECK(eventually([&] {
    const auto applied = daemon.port("flows.applied");
    return applied && applied->contains("br0") && (*applied)["br0"]["error"] == "" &&
           (*applied)["br0"]["held"]["flows"].size() == 2;
  }));

  // The tick that brings an invalid rule rolls back: the port keeps the set, the bridge too.
  set(daemon, "flows.desired",
      R"({"br0": {"flows": [{"priority": 5, "match": "ip,nw_dts=192.0.2.1", "actions": "drop"}]}})");
  CHECK(
      daemon.log_shows("bridge 'br0': flow 'table=0,priority=5,ip,nw_dts=192.0.2.1 "
                       "actions=drop': 'nw_dts' is not a match field"));
  CHECK((*daemon.port("flows.desired"))["br0"]["flows"].size() == 2);
  CHECK(ovs.dump_flows("br0") == kDump);

  ovs.ofctl("del-flows", "br0");
  CHECK(eventually([&] { return ovs.dump_flows("br0") == kDump; }));
}
