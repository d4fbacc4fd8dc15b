#include "openflow_options.hpp"

#include <catch2/catch.hpp>

using namespace mirari;
using namespace mirari::openflow;

namespace {

OpenflowOptions parse(Config::Values values) {
  return parse_options(check_config(openflow_config_keys(), std::move(values), "openflow"));
}

Config balance(std::string bridge, std::int64_t id, std::string group,
               std::string actions = "output:{port}") {
  return Config(
      {{"bridge", bridge}, {"group_id", id}, {"group", group}, {"bucket_actions", actions}});
}

std::string refusal(Config::Values values) {
  try {
    parse(std::move(values));
  } catch (const ConfigError& e) {
    return std::string(e.what()) + " [" + e.key() + "]";
  }
  return "";
}

}  // namespace

TEST_CASE("defaults: the system's run directory, ovs-ofctl, a check every second") {
  const OpenflowOptions o = parse({});
  CHECK(o.ovs_rundir == "/var/run/openvswitch");
  CHECK(o.ovs_ofctl == "ovs-ofctl");
  CHECK(o.verify == std::chrono::milliseconds(1000));
  CHECK(o.timeout == std::chrono::seconds(5));
  CHECK(o.balance.empty());
}

TEST_CASE("balance rules are read in order") {
  const OpenflowOptions o =
      parse({{"balance", std::vector<Config>{balance("br0", 1, "web"), balance("br1", 1, "db")}}});
  CHECK(o.balance == std::vector<BalanceRule>{{"br0", 1, "web", "output:{port}"},
                                              {"br1", 1, "db", "output:{port}"}});
}

TEST_CASE("bad values are refused naming the key") {
  CHECK(refusal({{"verify_ms", std::int64_t{0}}}) ==
        "verify_ms must be between 10 and 3600000, not 0 [verify_ms]");
  CHECK(refusal({{"balance", std::vector<Config>{balance("br0", 1, "web", "output:p1")}}}) ==
        "balance[0].bucket_actions 'output:p1' does not name {port} [balance[0].bucket_actions]");
  CHECK(refusal({{"balance", std::vector<Config>{balance("br/0", 1, "web")}}})
            .starts_with("balance[0].bridge: 'br/0' is not a bridge name"));
  CHECK(refusal({{"balance", std::vector<Config>{balance("br0", 1, "web", "otput:{port}")}}}) ==
        "balance[0].bucket_actions 'otput:{port}': 'otput' is not an action "
        "[balance[0].bucket_actions]");
  CHECK(refusal({{"balance",
                  std::vector<Config>{balance("br0", 1, "web"), balance("br0", 1, "db")}}}) ==
        "balance[1].group_id: group 1 of bridge 'br0' is already balanced by an earlier rule "
        "[balance[1].group_id]");
}
