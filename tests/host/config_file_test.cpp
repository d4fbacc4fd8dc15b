// mirarid refuses a configuration it cannot use at start, naming the file, the line and the
// key; a plugin's table is checked against the keys the plugin declares.
#include <catch2/catch.hpp>
#include <filesystem>

#include "daemon.hpp"

namespace fs = std::filesystem;
using mirari::test::Daemon;
using mirari::test::Run;
using mirari::test::TempDir;

namespace {

// Starts mirarid on config (with {plugins} standing for a directory holding the test
// plugins counter, ticker and fleet) and returns how it ended.
struct Refusal {
  TempDir dir;
  fs::path config = dir.path() / "mirarid.toml";
  Run run;

  explicit Refusal(std::string toml) {
    const fs::path plugins = dir.path() / "plugins";
    fs::create_directories(plugins);
    for (const char* name : {"counter", "ticker", "fleet"}) {
      fs::copy_file(mirari::test::test_plugin(name), plugins / (std::string(name) + ".so"));
    }
    for (auto at = toml.find("{plugins}"); at != std::string::npos; at = toml.find("{plugins}")) {
      toml.replace(at, 9, plugins.string());
    }
    mirari::test::write_file(config, toml);
    run = mirari::test::run(
        {MIRARID_PATH, "--config", config.string(), "--runtime-dir", (dir.path() / "run").string()},
        dir.path());
  }
  std::string at(int line, int column) const {
    return config.string() + ":" + std::to_string(line) + ":" + std::to_string(column) + ": ";
  }
};

}  // namespace

TEST_CASE("a file that is not TOML is refused with its line and column") {
  Refusal r("[daemon]\nlog_level = \"info\"\nplugin_dirs = [\"a\"\n");
  CHECK(r.run.status == 2);
  CHECK(r.run.err ==
        "mirarid: " + r.at(3, 20) + "Error while parsing array: encountered end-of-file\n");
}

TEST_CASE("an unknown daemon key is refused") {
  Refusal r("[daemon]\nlog_levl = \"info\"\n");
  CHECK(r.run.status == 2);
  CHECK(r.run.err == "mirarid: " + r.at(2, 1) + "unknown key 'log_levl' in [daemon]\n");
}

TEST_CASE("a daemon key of the wrong type is refused") {
  Refusal r("[daemon]\nworker_threads = \"two\"\n");
  CHECK(r.run.status == 2);
  CHECK(r.run.err ==
        "mirarid: " + r.at(2, 18) + "daemon.worker_threads must be an integer, not a string\n");
}

TEST_CASE("an unknown log level is refused") {
  Refusal r("[daemon]\nlog_level = \"loud\"\n");
  CHECK(r.run.status == 2);
  CHECK(r.run.err == "mirarid: " + r.at(2, 13) +
                         "daemon.log_level must be one of trace, debug, info, warn, error, "
                         "critical, off, not 'loud'\n");
}

TEST_CASE("a table mirarid does not know is refused") {
  Refusal r("[plugin.counter]\ninput = \"x\"\n");
  CHECK(r.run.status == 2);
  CHECK(r.run.err == "mirarid: " + r.at(1, 2) +
                         "unknown table 'plugin' (the file has [daemon] and [plugins.NAME] "
                         "tables)\n");
}

TEST_CASE("a plugin table naming no plugin file is refused") {
  Refusal r("[daemon]\nplugin_dirs = [\"{plugins}\"]\n\n[plugins.scaler]\nhigh = 0.9\n");
  CHECK(r.run.status == 2);
  CHECK(r.run.err == "mirarid: " + r.at(4, 1) + "[plugins.scaler]: no plugin file 'scaler.so' in " +
                         (r.dir.path() / "plugins").string() + "\n");
}

TEST_CASE("an unknown key in a plugin table is refused with the file, line, plugin and key") {
  Refusal r("[daemon]\nplugin_dirs = [\"{plugins}\"]\n\n[plugins.counter]\ninptu = \"x\"\n");
  CHECK(r.run.status == 1);
  CHECK(r.run.err.find("cannot start: " + r.at(5, 1) + "plugin 'counter': unknown key 'inptu'") !=
        std::string::npos);
}

TEST_CASE("a plugin key of the wrong type is refused with the file, line, plugin and key") {
  Refusal r("[daemon]\nplugin_dirs = [\"{plugins}\"]\n\n[plugins.counter]\noutput = 3\n");
  CHECK(r.run.status == 1);
  CHECK(r.run.err.find("cannot start: " + r.at(5, 1) +
                       "plugin 'counter': key 'output' must be a string, not an integer") !=
        std::string::npos);
}

TEST_CASE("a missing required plugin key is refused with the table's place") {
  Refusal r("[daemon]\nplugin_dirs = [\"{plugins}\"]\n\n[plugins.tick]\nfile = \"ticker.so\"\n");
  CHECK(r.run.status == 1);
  CHECK(r.run.err.find("cannot start: " + r.at(4, 1) +
                       "plugin 'tick': missing required key 'port'") != std::string::npos);
}

TEST_CASE("a plugin's own refusal of its configuration stops the start") {
  Refusal r(
      "[daemon]\nplugin_dirs = [\"{plugins}\"]\n\n[plugins.counter]\ninput = \"a\"\noutput = "
      "\"a\"\n");
  CHECK(r.run.status == 1);
  CHECK(r.run.err.find("cannot start: 'counter' refused its configuration: input and output "
                       "must be different ports") != std::string::npos);
}

TEST_CASE("flags alone configure mirarid, and declared defaults fill a plugin's table") {
  Daemon daemon({.plugins = {{"counter.so", "counter"}}});
  const auto config =
      daemon.request({{"cmd", "describe"}, {"name", "counter"}})["result"]["config"];
  CHECK(config["input"] == "\"counter.ticks\"");
  CHECK(config["output"] == "\"counter.count\"");
}

TEST_CASE("mirarid --describe prints the keys a plugin file declares") {
  TempDir dir;
  auto r = mirari::test::run({MIRARID_PATH, "--describe", mirari::test::test_plugin("ticker")},
                             dir.path());
  CHECK(r.status == 0);
  CHECK(r.out.find("ticker 1.0.0 (watcher): emits ticks from work on its executor\n") == 0);
  CHECK(r.out.find("port         string   (required)  event port (int64) the ticks are "
                   "emitted on") != std::string::npos);
  CHECK(r.out.find("interval_ms  integer  5           time between two ticks") !=
        std::string::npos);

  auto refused = mirari::test::run(
      {MIRARID_PATH, "--describe", mirari::test::test_plugin("bad-abi")}, dir.path());
  CHECK(refused.status == 1);
  CHECK(refused.err.find(abi_refusal()) != std::string::npos);
}

TEST_CASE("the limits and timings of the daemon table are refused outside their range") {
  const std::pair<std::string, std::string> cases[] = {
      {"output_limit_per_client = 100", "output_limit_per_client must be between 4096 and "},
      {"output_limit_all_clients = -1", "output_limit_all_clients must be between 4096 and "},
      {"shutdown_timeout = 0", "shutdown_timeout must be between 1 and 3600"},
      {"snapshot_interval = -5", "snapshot_interval must be between 0 and 86400"},
      {"effect_budget_ms = 4000000", "effect_budget_ms must be between 0 and 3600000"},
  };
  for (const auto& [line, why] : cases) {
    Refusal r("[daemon]\n" + line + "\n");
    CHECK(r.run.status == 2);
    CHECK(r.run.err.find("mirarid: " + r.at(2, static_cast<int>(line.find('=')) + 3) + "daemon." +
                         why) == 0);
  }
  Refusal wrong("[daemon]\nload_crashed_plugin = \"yes\"\n");
  CHECK(wrong.run.err.find("daemon.load_crashed_plugin must be a boolean, not a string") !=
        std::string::npos);
}

// The fleet test plugin declares a table, an array of tables with a table and an array of
// tables in each, and arrays of integers and numbers.
constexpr const char* kFleetHead = "[daemon]\nplugin_dirs = [\"{plugins}\"]\n\n";

TEST_CASE("a wrong type deep inside an array of tables is refused with its line and path") {
  Refusal r(std::string(kFleetHead) +
            "[[plugins.fleet.groups]]\n"      // 4
            "name = \"web\"\n"                // 5
            "[[plugins.fleet.groups]]\n"      // 6
            "name = \"db\"\n"                 // 7
            "template.memory = \"lots\"\n");  // 8
  CHECK(r.run.status == 1);
  CHECK(r.run.err.find("cannot start: " + r.at(8, 10) +
                       "plugin 'fleet': key 'groups[1].template.memory' must be an integer, "
                       "not a string") != std::string::npos);
}

TEST_CASE("an unknown nested key is refused with its line and path") {
  Refusal r(std::string(kFleetHead) +
            "[[plugins.fleet.groups]]\n"
            "name = \"web\"\n"
            "[[plugins.fleet.groups.routers]]\n"  // 6
            "asn = 64512\n"
            "peer = \"192.0.2.1\"\n");  // 8
  CHECK(r.run.status == 1);
  CHECK(r.run.err.find("cannot start: " + r.at(8, 1) +
                       "plugin 'fleet': unknown key 'groups[0].routers[0].peer'") !=
        std::string::npos);
}

TEST_CASE("a missing required nested key is refused where its table starts") {
  Refusal r(std::string(kFleetHead) +
            "[plugins.fleet]\n"
            "groups = [{name = \"a\"},\n"
            "          {template = {memory = 1}}]\n");  // 6
  CHECK(r.run.status == 1);
  CHECK(r.run.err.find("cannot start: " + r.at(5, 1) +
                       "plugin 'fleet': missing required key 'groups[1].name' (string: the "
                       "group's name)") != std::string::npos);
}

TEST_CASE("an array mixing kinds of items is refused with the item's place") {
  Refusal r(std::string(kFleetHead) + "[plugins.fleet]\nsizes = [1, \"two\"]\n");
  CHECK(r.run.status == 1);
  CHECK(r.run.err.find("cannot start: " + r.at(5, 1) +
                       "plugin 'fleet': key 'sizes' holds an array mixing kinds of items (an "
                       "array holds strings, integers, numbers or tables, one kind)") !=
        std::string::npos);
}

TEST_CASE("nested tables reach the plugin, with defaults inside them") {
  Daemon daemon({.config = std::string("[plugins.fleet]\n"
                                       "sizes = [2, 4]\n"
                                       "weights = [1, 0.5]\n"
                                       "template.memory = 256\n"
                                       "[[plugins.fleet.groups]]\n"
                                       "name = \"web\"\n"
                                       "routers = [{asn = 64512}, {asn = 64513}]\n"
                                       "[[plugins.fleet.groups]]\n"
                                       "name = \"db\"\n"
                                       "template = {memory = 128}\n"),
                 .plugins = {{"fleet.so", "fleet"}}});
  CHECK(daemon.port("fleet.summary") ==
        "sizes=2 4 weights=2 memory=256 kernel=unikernel.img web:64/64512/64513 db:128");
  const auto config = daemon.request({{"cmd", "describe"}, {"name", "fleet"}})["result"]["config"];
  CHECK(config["template.memory"] == "256");
  CHECK(config["template.kernel"] == "\"unikernel.img\"");
  CHECK(config["groups"] ==
        "[{name = \"web\", routers = [{asn = 64512}, {asn = 64513}], template = {memory = 64}}, "
        "{name = \"db\", routers = [], template = {memory = 128}}]");
}

TEST_CASE("mirarid --describe prints nested keys by their paths, and as JSON") {
  TempDir dir;
  auto r = mirari::test::run({MIRARID_PATH, "--describe", mirari::test::test_plugin("fleet")},
                             dir.path());
  CHECK(r.status == 0);
  CHECK(r.out.find("\nKEY                       TYPE               DEFAULT          DESCRIPTION\n"
                   "name                      string             \"fleet\"          the summary "
                   "is published on NAME.summary\n"
                   "sizes                     array of integers  [1, 2]           allowed group "
                   "sizes\n") != std::string::npos);
  CHECK(r.out.find("\ntemplate                  table                               what each "
                   "instance runs unless its group says otherwise\n"
                   "template.memory           integer            64               MiB of each "
                   "instance\n") != std::string::npos);
  CHECK(r.out.find("\ngroups[].routers[].asn    integer            (required)       its AS "
                   "number\n") != std::string::npos);

  auto j = mirari::test::run(
      {MIRARID_PATH, "--describe", mirari::test::test_plugin("fleet"), "--json"}, dir.path());
  CHECK(j.status == 0);
  const auto keys = nlohmann::json::parse(j.out)["keys"];
  CHECK(keys[3]["name"] == "template");
  CHECK(keys[3]["type"] == "table");
  CHECK(keys[3]["keys"][0] == nlohmann::json::parse(R"({"name": "memory", "type": "integer",
      "required": false, "default": "64", "description": "MiB of each instance"})"));
  CHECK(keys[4]["keys"][2]["keys"][0]["required"] == true);
}
