// Plugin files mirarid refuses to load, each with a reason a user can act on; the daemon
// keeps running after every refusal.
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>

#include "daemon.hpp"

namespace fs = std::filesystem;
using mirari::test::Daemon;
using mirari::test::kWatchNothing;

namespace {

void still_running(Daemon& daemon) {
  CHECK(daemon.running());
  CHECK(daemon.ctl({"status"}).status == 0);
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
  CHECK(again.err == "mirarictl: an instance named 'counter' is already loaded\n");
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
                   daemon.plugin_dir().string() + " is writable by group or others (mode 07") !=
        std::string::npos);
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
