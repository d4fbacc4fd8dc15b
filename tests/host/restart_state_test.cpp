// A restarted mirarid continues where the previous one was: the plugins loaded at run time
// load again, and every plugin's snapshot is given back. The state file survives kill -9, a
// corrupt one is set aside, and a full disk only costs a log line.
#include <signal.h>
#include <sys/mount.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <thread>

#include "control_client.hpp"
#include "daemon.hpp"

namespace fs = std::filesystem;
using mirari::host::ControlClient;
using mirari::test::Daemon;
using mirari::test::eventually;
using mirari::test::kWatchNothing;
using nlohmann::json;

namespace {

json plugins(const Daemon& daemon) {
  return daemon.request({{"cmd", "plugins"}})["result"];
}

std::vector<std::string> loaded(const Daemon& daemon) {
  std::vector<std::string> names;
  for (const json& p : plugins(daemon)) names.push_back(p["name"]);
  return names;
}

fs::path state_file(const Daemon& daemon) {
  return daemon.runtime_dir() / "state.json";
}

json saved_state(const Daemon& daemon) {
  try {
    return json::parse(mirari::test::read_file(state_file(daemon)));
  } catch (const std::exception&) {
    return json();
  }
}

bool saved_snapshot(const Daemon& daemon, const std::string& instance, const std::string& text) {
  return eventually([&] {
    const json state = saved_state(daemon);
    if (!state.contains("snapshots")) return false;
    for (const json& s : state["snapshots"]) {
      if (s["instance"] == instance && s.value("text", "") == text) return true;
    }
    return false;
  });
}

void emit_ticks(const Daemon& daemon, int n) {
  for (int i = 0; i < n; ++i) REQUIRE(daemon.ctl({"emit", "counter.ticks", "1"}).status == 0);
}

// A tmpfs of `kib` KiB mounted at a directory of the test's own, unmounted at the end.
class SmallDisk {
 public:
  SmallDisk(const fs::path& at, int kib) : at_(at) {
    fs::create_directories(at);
    mounted_ = ::mount("tmpfs", at.c_str(), "tmpfs", 0,
                       ("size=" + std::to_string(kib) + "k,mode=0700").c_str()) == 0;
  }
  ~SmallDisk() {
    if (mounted_) ::umount2(at_.c_str(), MNT_DETACH);
  }
  bool mounted() const { return mounted_; }
  // Writes a file until the disk is full.
  void fill() const {
    std::ofstream out(at_ / "filler", std::ios::binary);
    const std::string block(4096, 'x');
    while (out.write(block.data(), block.size())) {
    }
  }
  void empty() const { fs::remove(at_ / "filler"); }

 private:
  fs::path at_;
  bool mounted_ = false;
};

}  // namespace

TEST_CASE("plugins loaded at run time and their snapshots come back after a clean restart") {
  Daemon daemon({.config = std::string(kWatchNothing) + "[plugins.pulse]\n",
                 .plugins = {{"pulse.so", "pulse"}, {"counter.so", "counter"}}});
  REQUIRE(daemon.ctl({"load", "counter.so", "--name", "tally"}).status == 0);
  emit_ticks(daemon, 5);
  REQUIRE(eventually([&] { return daemon.port("counter.count") == json(5); }));

  daemon.signal(SIGTERM);
  REQUIRE(daemon.wait_exit() == 0);
  daemon.restart();
  CHECK(loaded(daemon) == std::vector<std::string>{"pulse", "tally"});
  CHECK(plugins(daemon)[1]["origin"] == "control");
  CHECK(daemon.port("counter.count") == json(5));
  CHECK(daemon.log_shows("'tally' continues from its saved state"));
  emit_ticks(daemon, 1);
  CHECK(eventually([&] { return daemon.port("counter.count") == json(6); }));

  // Unloaded by an operator, it stays unloaded, and its state is not kept.
  REQUIRE(daemon.ctl({"unload", "tally"}).status == 0);
  daemon.signal(SIGTERM);
  REQUIRE(daemon.wait_exit() == 0);
  daemon.restart();
  CHECK(loaded(daemon) == std::vector<std::string>{"pulse"});
  CHECK(saved_state(daemon)["snapshots"].empty());
}

TEST_CASE("after kill -9, the state saved at the last interval comes back") {
  Daemon daemon({.config = "[daemon]\nsnapshot_interval = 1\n" + std::string(kWatchNothing) +
                           "[plugins.pulse]\n[plugins.counter]\n",
                 .plugins = {{"pulse.so", "pulse"}, {"counter.so", "counter"}}});
  emit_ticks(daemon, 3);
  REQUIRE(saved_snapshot(daemon, "counter", "3"));
  daemon.signal(SIGKILL);
  daemon.restart();
  CHECK(daemon.port("counter.count") == json(3));
}

TEST_CASE("mirarid killed in the middle of reloads starts again with everything loaded") {
  Daemon daemon({.config = "[daemon]\nsnapshot_interval = 1\n" + std::string(kWatchNothing) +
                           "[plugins.pulse]\n",
                 .plugins = {{"pulse.so", "pulse"}, {"counter.so", "counter"}}});
  REQUIRE(daemon.ctl({"load", "counter.so"}).status == 0);
  emit_ticks(daemon, 2);
  REQUIRE(saved_snapshot(daemon, "counter", "2"));
  {
    ControlClient client(daemon.socket());
    std::string reloads;
    for (int i = 0; i < 200; ++i)
      reloads += R"({"cmd": "reload", "name": "counter"})"
                 "\n";
    client.send_line(reloads);
    for (int i = 0; i < 20; ++i) client.next();  // well inside the reloads
    daemon.signal(SIGKILL);
  }
  REQUIRE(daemon.wait_exit() == 128 + SIGKILL);
  daemon.restart();
  CHECK(loaded(daemon) == std::vector<std::string>{"pulse", "counter"});
  CHECK(daemon.port("counter.count") == json(2));
  CHECK(daemon.log().find("cannot be read") == std::string::npos);
}

TEST_CASE("a corrupt state file is set aside with a log line, and mirarid starts without it") {
  Daemon daemon({.config = std::string(kWatchNothing) + "[plugins.pulse]\n[plugins.counter]\n",
                 .plugins = {{"pulse.so", "pulse"}, {"counter.so", "counter"}}});
  daemon.signal(SIGKILL);
  for (const std::string bad : {"{\"format\": 1, \"loaded\": [", "{\"format\": 7}", "\xff\xfe"}) {
    REQUIRE(daemon.wait_exit().has_value());
    mirari::test::write_file(state_file(daemon), bad);
    daemon.restart();
    CHECK(daemon.log_shows("state file " + state_file(daemon).string() + " cannot be read ("));
    CHECK(daemon.log().find("set aside as " + state_file(daemon).string() +
                            ".corrupt, starting without it") != std::string::npos);
    CHECK(loaded(daemon) == std::vector<std::string>{"pulse", "counter"});
    CHECK(daemon.port("counter.count") == json(0));
    daemon.signal(SIGKILL);
  }
}

TEST_CASE("a full runtime directory costs a log line: mirarid keeps running, and saves later") {
  if (::geteuid() != 0) {
    WARN("only root can mount a small file system: skipped");
    return;
  }
  mirari::test::TempDir outside;
  SmallDisk disk(outside.path() / "run", 16 * 1024);
  REQUIRE(disk.mounted());
  Daemon daemon({.config = "[daemon]\nsnapshot_interval = 1\n" + std::string(kWatchNothing) +
                           "[plugins.pulse]\n[plugins.counter]\n",
                 .plugins = {{"pulse.so", "pulse"}, {"counter.so", "counter"}},
                 .runtime_dir = outside.path() / "run"});
  emit_ticks(daemon, 1);
  REQUIRE(saved_snapshot(daemon, "counter", "1"));
  disk.fill();
  emit_ticks(daemon, 1);
  CHECK(daemon.log_shows("cannot save mirarid's state (cannot write " +
                         state_file(daemon).string() + ": "));
  CHECK(daemon.log().find("No space left on device); mirarid keeps running") != std::string::npos);
  CHECK(daemon.ctl({"status"}).status == 0);
  emit_ticks(daemon, 1);
  CHECK(eventually([&] { return daemon.port("counter.count") == json(3); }));
  CHECK(saved_snapshot(daemon, "counter", "1"));  // the last good save is intact
  disk.empty();
  CHECK(daemon.log_shows("state saved to " + state_file(daemon).string() + " again"));
  CHECK(saved_snapshot(daemon, "counter", "3"));
}
