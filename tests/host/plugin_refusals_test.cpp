// Plugin files mirarid refuses to load, each with a reason a user can act on; the daemon
// keeps running after every refusal.
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>

#include "daemon.hpp"

namespace fs = std::filesystem;
using mirari::test::Daemon;
using mirari::test::eventually;
using mirari::test::kWatchNothing;
using nlohmann::json;

namespace {

void still_running(Daemon& daemon) {
  CHECK(daemon.running());
  CHECK(daemon.ctl({"status"}).status == 0);
}

// The first 20000 bytes of a good plugin file, as an interrupted copy leaves it.
fs::path truncated(const fs::path& file) {
  const std::string whole = mirari::test::read_file(mirari::test::test_plugin("counter"));
  mirari::test::write_file(file, whole.substr(0, 20000));
  return file;
}

// Which segment the cut falls in depends on the linker's layout (ld.bfd, mold): the refusal
// names the first one that lies beyond the end.
std::string truncation(const fs::path& file) {
  return file.string() + ": not a loadable library for this machine: segment ";
}

}  // namespace

TEST_CASE("a library built for another plugin ABI is refused") {
  Daemon daemon({.config = kWatchNothing});
  const auto file = daemon.install("bad-abi");
  auto r = daemon.ctl({"load", file.string()});
  CHECK(r.status == 1);
  CHECK(r.err == "mirarictl: " + file.string() + abi_refusal() + "\n");
  still_running(daemon);
}

TEST_CASE("a library without the entry point is refused") {
  Daemon daemon({.config = kWatchNothing});
  const auto file = daemon.install("no-entry");
  auto r = daemon.ctl({"load", file.string()});
  CHECK(r.status == 1);
  CHECK(r.err == "mirarictl: " + file.string() +
                     ": not a Mirari plugin: no 'mirari_plugin' entry point (export one with "
                     "MIRARI_PLUGIN)\n");
  still_running(daemon);
}

TEST_CASE("a plugin whose start fails leaves nothing in the graph") {
  Daemon daemon({.config = kWatchNothing});
  daemon.install("counter-broken", "counter.so");
  const auto nodes_before = daemon.request({{"cmd", "status"}})["result"]["nodes"];
  auto r = daemon.ctl({"load", "counter.so"});
  CHECK(r.status == 1);
  CHECK(r.err == "mirarictl: 'counter' failed to start: this counter build refuses to start\n");
  CHECK(daemon.request({{"cmd", "status"}})["result"]["nodes"] == nodes_before);
  CHECK(daemon.ctl({"plugins"}).out == "no plugin instance is loaded\n");
  still_running(daemon);
}

TEST_CASE("a plugin without the table its required keys need is refused") {
  Daemon daemon({.config = kWatchNothing});
  daemon.install("ticker");
  auto r = daemon.ctl({"load", "ticker.so"});
  CHECK(r.status == 1);
  CHECK(r.err ==
        "mirarictl: no [plugins.ticker] table configures it: plugin 'ticker': missing required "
        "key 'port' (string: event port (int64) the ticks are emitted on)\n");
  still_running(daemon);
}

TEST_CASE("an instance name is used once") {
  Daemon daemon({.config = kWatchNothing});
  daemon.install("counter");
  REQUIRE(daemon.ctl({"load", "counter.so"}).status == 0);
  auto again = daemon.ctl({"load", "counter.so"});
  CHECK(again.status == 1);
  CHECK_THAT(again.err, Catch::Contains("an instance named 'counter' is already loaded, from ") &&
                            Catch::Contains("--name OTHER` loads this file beside it"));
  // Under another name it is another instance; this one would publish the same port.
  auto named = daemon.ctl({"load", "counter.so", "--name", "second-counter"});
  CHECK(named.status == 1);
  CHECK(named.err ==
        "mirarictl: 'second-counter' failed to start: port 'counter.count' is already published "
        "by 'counter'\n");
  still_running(daemon);
}

TEST_CASE("an instance loaded by name takes the configuration table of that name") {
  Daemon daemon({.config = std::string(kWatchNothing) +
                           "[plugins.counter]\n[plugins.second-counter]\nfile = "
                           "\"counter.so\"\noutput = \"counter.second\"\n",
                 .plugins = {{"counter.so", "counter"}}});
  REQUIRE(daemon.ctl({"unload", "second-counter"}).status == 0);
  auto named = daemon.ctl({"load", "counter.so", "--name", "second-counter"});
  CHECK(named.status == 0);
  CHECK(named.out.find("loaded second-counter (counter 1.0.0)") == 0);
  CHECK(daemon.port("counter.second") == nlohmann::json(0));
}

TEST_CASE("a plugin file writable by others is refused") {
  Daemon daemon({.config = kWatchNothing});
  const auto file = daemon.install("counter");
  fs::permissions(file, fs::perms::all & ~fs::perms::owner_exec & ~fs::perms::group_exec &
                            ~fs::perms::others_exec);
  auto r = daemon.ctl({"load", file.string()});
  CHECK(r.status == 1);
  CHECK(r.err == "mirarictl: refusing plugin " + file.string() + ": the file " + file.string() +
                     " is writable by group or others (mode 0666; chmod go-w it, or set "
                     "allow_unsafe_permissions = true)\n");
  still_running(daemon);
}

TEST_CASE("a plugin in a directory its group may write is refused") {
  Daemon daemon({.config = kWatchNothing});
  const auto file = daemon.install("counter");
  fs::permissions(daemon.plugin_dir(), fs::perms::group_write, fs::perm_options::add);
  auto r = daemon.ctl({"load", file.string()});
  CHECK(r.status == 1);
  CHECK(r.err.find("refusing plugin " + file.string() + ": its directory " +
                   daemon.plugin_dir().string() +
                   " is writable by group or others and not sticky (mode 07") != std::string::npos);
  still_running(daemon);
}

TEST_CASE("a plugin file owned by another user is refused") {
  if (::geteuid() != 0) {
    WARN("only root can give a file to another user: skipped");
    return;
  }
  Daemon daemon({.config = kWatchNothing});
  const auto file = daemon.install("counter");
  REQUIRE(::chown(file.c_str(), 65534, 65534) == 0);
  auto r = daemon.ctl({"load", file.string()});
  CHECK(r.status == 1);
  CHECK(r.err == "mirarictl: refusing plugin " + file.string() + ": the file " + file.string() +
                     " is owned by uid 65534, not by root or mirarid's uid 0 "
                     "(allow_unsafe_permissions = true skips this check)\n");
  still_running(daemon);
}

TEST_CASE("allow_unsafe_permissions loads a plugin file others could write") {
  Daemon daemon({.config = kWatchNothing, .args = {"--allow-unsafe-permissions"}});
  const auto file = daemon.install("counter");
  fs::permissions(file, fs::perms::group_write | fs::perms::others_write, fs::perm_options::add);
  CHECK(daemon.ctl({"load", file.string()}).status == 0);
}

TEST_CASE("a truncated library is refused through load, describe and a watched directory") {
  Daemon daemon;
  const fs::path hidden = truncated(daemon.plugin_dir() / ".partial.so");
  auto load = daemon.ctl({"load", hidden.string()});
  CHECK(load.status == 1);
  CHECK(load.err.find("mirarictl: " + truncation(hidden)) == 0);
  CHECK(load.err.find("lies beyond the end of the file (20000 bytes): is it truncated?\n") !=
        std::string::npos);
  auto describe = daemon.ctl({"describe", ".partial.so"});
  CHECK(describe.status == 1);
  CHECK(describe.err.find("mirarictl: " + truncation(hidden)) == 0);

  const fs::path file = daemon.plugin_dir() / "partial.so";
  fs::rename(hidden, file);
  CHECK(daemon.log_shows(truncation(file)));
  still_running(daemon);
  CHECK(daemon.request({{"cmd", "plugins"}})["result"].empty());
  const auto copies = daemon.dir() / "run" / "loaded-copies";
  CHECK(fs::is_empty(copies));
}

TEST_CASE("a truncated library in a watched directory at start is refused, and mirarid starts") {
  Daemon daemon({.plugins = {{"pulse.so", "pulse"}}});
  const fs::path file = truncated(daemon.plugin_dir() / "partial.so");
  daemon.signal(SIGKILL);
  daemon.restart();
  CHECK(daemon.log_shows(truncation(file)));
  still_running(daemon);
  const json plugins = daemon.request({{"cmd", "plugins"}})["result"];
  REQUIRE(plugins.size() == 1);
  CHECK(plugins[0]["name"] == "pulse");
}

TEST_CASE("a library that crashes while it is loaded crashes a trial process, not mirarid") {
  Daemon daemon({.config = kWatchNothing});
  const auto file = daemon.install("crash-on-load");
  const std::string refusal =
      file.string() +
      ": opening it killed the trial process with signal 11 (SIGSEGV: Segmentation fault); "
      "mirarid did not load it\n";
  auto load = daemon.ctl({"load", file.string()});
  CHECK(load.status == 1);
  CHECK(load.err == "mirarictl: " + refusal);
  auto describe = daemon.ctl({"describe", "crash-on-load.so"});
  CHECK(describe.status == 1);
  CHECK(describe.err == "mirarictl: " + refusal);
  still_running(daemon);
}

TEST_CASE("a plugin below a directory others may write is refused, however far up") {
  Daemon daemon({.config = kWatchNothing});
  const fs::path ww = daemon.plugin_dir() / "ww";
  fs::create_directories(ww / "sub");
  const fs::path file = ww / "sub" / "ok.so";
  fs::copy_file(mirari::test::test_plugin("counter"), file);
  REQUIRE(::chmod(ww.c_str(), 0777) == 0);
  auto r = daemon.ctl({"load", file.string()});
  CHECK(r.status == 1);
  CHECK(r.err == "mirarictl: refusing plugin " + file.string() + ": the directory " + ww.string() +
                     " above it is writable by group or others and not sticky (mode 0777; chmod "
                     "go-w it, or set allow_unsafe_permissions = true)\n");
  REQUIRE(::chmod(ww.c_str(), 01777) == 0);
  CHECK(daemon.ctl({"load", file.string()}).status == 0);
}

TEST_CASE("private copies left by a daemon that died are removed at the next start") {
  Daemon daemon({.config = kWatchNothing});
  daemon.signal(SIGKILL);
  const auto copies = daemon.dir() / "run" / "loaded-copies";
  mirari::test::write_file(copies / "counter.99999999.1.so", "left behind");
  daemon.restart();
  CHECK_FALSE(fs::exists(copies / "counter.99999999.1.so"));
  CHECK(daemon.log_shows("removed 1 private plugin copies left by an earlier mirarid"));
}
