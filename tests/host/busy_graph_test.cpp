// A blocked effect or a plugin's blocked work freezes nothing else: mirarid still answers
// `status`, other plugins' work goes on, a slow tick is logged, and a stopping mirarid waits
// for them at most shutdown_timeout.
#include <signal.h>

#include <catch2/catch.hpp>
#include <filesystem>

#include "daemon.hpp"

namespace fs = std::filesystem;
using mirari::test::Daemon;
using mirari::test::eventually;
using mirari::test::kWatchNothing;
using nlohmann::json;

namespace {

// The gate plugin as `name`, waiting where it is told for the file gate, on its own ports.
std::string gate_table(const std::string& name, const std::string& where, const fs::path& gate) {
  return "[plugins." + name + "]\nfile = \"gate.so\"\ntrigger = \"" + name +
         ".trigger\"\ndone = \"" + name + ".done\"\nwhere = \"" + where + "\"\ngate = \"" +
         gate.string() + "\"\n";
}

void trigger(const Daemon& daemon, const std::string& name) {
  REQUIRE(daemon.ctl({"emit", name + ".trigger", "1"}).status == 0);
}

}  // namespace

TEST_CASE("status answers while an effect is blocked, and the graph's commands wait for it") {
  mirari::test::TempDir scratch;
  const fs::path gate = scratch.path() / "open";
  Daemon daemon({.config = std::string(kWatchNothing) + gate_table("slow", "effect", gate),
                 .plugins = {{"gate.so", "gate"}}});
  const auto tick = [&] { return json::parse(daemon.ctl({"--json", "status"}).out)["tick"]; };
  const json before = tick();
  trigger(daemon, "slow");
  // The effect now blocks the graph's thread until the gate opens; status still answers, and
  // says the tick has not ended.
  const auto status = daemon.ctl({"--json", "status"});
  REQUIRE(status.status == 0);
  CHECK(json::parse(status.out)["plugins"] == 1);
  CHECK(json::parse(status.out)["tick"] == before);
  mirari::test::write_file(gate, "");
  CHECK(eventually([&] { return daemon.port("slow.done") == json(1); }));
  CHECK(tick() > before);
}

TEST_CASE("one plugin's blocked work does not delay another plugin's work") {
  mirari::test::TempDir scratch;
  const fs::path gate = scratch.path() / "open";
  Daemon daemon({.config = std::string(kWatchNothing) + gate_table("blocker", "work", gate) +
                           gate_table("quick", "work", ""),
                 .plugins = {{"gate.so", "gate"}}});
  // More blocked pieces than worker threads (2): they wait on the blocker's own strand.
  for (int i = 0; i < 4; ++i) trigger(daemon, "blocker");
  trigger(daemon, "quick");
  trigger(daemon, "quick");
  CHECK(eventually([&] { return daemon.port("quick.done") == json(2); }));
  CHECK(daemon.port("blocker.done") == json(0));
  mirari::test::write_file(gate, "");
  CHECK(eventually([&] { return daemon.port("blocker.done") == json(4); }));
}

TEST_CASE("a stopping mirarid waits at most shutdown_timeout, then names what runs, exit 1") {
  mirari::test::TempDir scratch;
  const fs::path gate = scratch.path() / "never";
  Daemon daemon({.config = "[daemon]\nshutdown_timeout = 1\n" + std::string(kWatchNothing) +
                           gate_table("stuck", "effect", gate) + gate_table("busy", "work", gate),
                 .plugins = {{"gate.so", "gate"}}});
  trigger(daemon, "busy");
  trigger(daemon, "stuck");
  daemon.signal(SIGTERM);
  CHECK(daemon.wait_exit() == 1);
  const std::string log = daemon.log();
  CHECK(log.find("mirarid did not stop within shutdown_timeout (1 s); still running: tick ") !=
        std::string::npos);
  CHECK(log.find(" on the graph's thread (for ") != std::string::npos);
  CHECK(log.find("'busy' (1 piece(s) of posted work or I/O)") != std::string::npos);
  CHECK(log.find("; exiting with status 1") != std::string::npos);
}

TEST_CASE("a tick over effect_budget_ms is logged while it runs, naming the slow plugin") {
  mirari::test::TempDir scratch;
  const fs::path gate = scratch.path() / "open";
  Daemon daemon({.config = "[daemon]\neffect_budget_ms = 50\n" + std::string(kWatchNothing) +
                           gate_table("slow", "effect", gate),
                 .plugins = {{"gate.so", "gate"}}});
  trigger(daemon, "slow");
  CHECK(
      daemon.log_shows(" ms, over effect_budget_ms = 50: the graph's thread is in the code of "
                       "plugin instance 'slow' (gate 1.0.0 from " +
                       (daemon.plugin_dir() / "gate.so").string() + ")"));
  mirari::test::write_file(gate, "");
  CHECK(eventually([&] { return daemon.port("slow.done") == json(1); }));
  CHECK(daemon.log_shows(" ms, over effect_budget_ms = 50\n"));
}
