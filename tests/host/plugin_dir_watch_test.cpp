// The watched plugin directory: a plugin file that appears is loaded, one replaced is
// reloaded, one deleted is unloaded — each only once the file is complete.
#include <fcntl.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <thread>

#include "daemon.hpp"

namespace fs = std::filesystem;
using mirari::test::Daemon;
using mirari::test::eventually;
using nlohmann::json;

namespace {

json plugins(const Daemon& daemon) {
  return daemon.request({{"cmd", "plugins"}})["result"];
}

const json* instance(const json& list, const std::string& name) {
  for (const json& p : list) {
    if (p["name"] == name) return &p;
  }
  return nullptr;
}

bool loaded(const Daemon& daemon, const std::string& name) {
  return eventually([&] { return instance(plugins(daemon), name) != nullptr; });
}

}  // namespace

TEST_CASE("plugin files present at start are loaded") {
  Daemon daemon({.plugins = {{"pulse.so", "pulse"}, {"counter.so", "counter"}}});
  const json list = plugins(daemon);
  REQUIRE(list.size() == 2);
  CHECK(list[0]["name"] == "counter");
  CHECK(list[0]["origin"] == "directory");
  CHECK(list[1]["name"] == "pulse");
}

TEST_CASE("a plugin file copied into the directory is loaded") {
  Daemon daemon;
  daemon.install("counter");
  REQUIRE(loaded(daemon, "counter"));
  CHECK((*instance(plugins(daemon), "counter"))["origin"] == "directory");
  CHECK(daemon.log().find("cannot open") == std::string::npos);
}

TEST_CASE("a plugin file is loaded only once it is completely written") {
  Daemon daemon;
  const std::string image = mirari::test::read_file(mirari::test::test_plugin("counter"));
  const fs::path file = daemon.plugin_dir() / "counter.so";
  {
    const int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    REQUIRE(fd >= 0);
    const std::size_t half = image.size() / 2;
    REQUIRE(::write(fd, image.data(), half) == static_cast<ssize_t>(half));
    ::fsync(fd);
    // Gives a daemon that reacted to partial writes the time to try the half file.
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    REQUIRE(::write(fd, image.data() + half, image.size() - half) ==
            static_cast<ssize_t>(image.size() - half));
    ::close(fd);
  }
  REQUIRE(loaded(daemon, "counter"));
  const std::string log = daemon.log();
  CHECK(log.find("error") == std::string::npos);
  CHECK(log.find("appeared: loading it") == log.rfind("appeared: loading it"));
}

TEST_CASE("a replaced plugin file is reloaded, and keeps its state") {
  Daemon daemon({.plugins = {{"pulse.so", "pulse"}, {"counter.so", "counter"}}});
  for (int i = 0; i < 4; ++i) REQUIRE(daemon.ctl({"emit", "counter.ticks", "1"}).status == 0);
  REQUIRE(eventually([&] { return daemon.port("counter.count") == json(4); }));

  daemon.install("counter-v2", "counter.so");
  CHECK(eventually([&] { return daemon.port("counter.count.code") == json("v2"); }));
  CHECK(daemon.port("counter.count") == json(4));
  CHECK((*instance(plugins(daemon), "counter"))["reloads"] == 1);
}

TEST_CASE("a second file of a running plugin is refused with which file runs, and how to add it") {
  Daemon daemon;
  const fs::path first = daemon.install("counter");
  REQUIRE(loaded(daemon, "counter"));
  const fs::path second = daemon.install("counter", "counter-copy.so");
  CHECK(daemon.log_shows(
      second.string() + ": an instance named 'counter' is already loaded, from " + first.string() +
      "; `mirarictl load " + second.string() + " --name OTHER` loads this file beside it"));
  CHECK(plugins(daemon).size() == 1);
}

TEST_CASE("a plugin file renamed into place is reloaded and hidden files are ignored") {
  Daemon daemon({.plugins = {{"counter.so", "counter"}}});
  const fs::path temporary = daemon.install("counter-v2", ".counter.so");
  fs::rename(temporary, daemon.plugin_dir() / "counter.so");
  CHECK(eventually([&] { return daemon.port("counter.count.code") == json("v2"); }));
  CHECK((*instance(plugins(daemon), "counter"))["reloads"] == 1);
}

TEST_CASE("a deleted plugin file is unloaded, and its ports keep their last value") {
  Daemon daemon({.plugins = {{"pulse.so", "pulse"}, {"counter.so", "counter"}}});
  REQUIRE(daemon.ctl({"emit", "counter.ticks", "1"}).status == 0);
  REQUIRE(eventually([&] { return daemon.port("counter.count") == json(1); }));

  fs::remove(daemon.plugin_dir() / "counter.so");
  CHECK(eventually([&] { return instance(plugins(daemon), "counter") == nullptr; }));
  CHECK(daemon.port("counter.count") == json(1));
}

TEST_CASE("a broken replacement leaves the running plugin in place, and the log says why") {
  Daemon daemon({.plugins = {{"pulse.so", "pulse"}, {"counter.so", "counter"}}});
  daemon.install("counter-broken", "counter.so");
  CHECK(
      daemon.log_shows("reload of 'counter' failed, the running instance is kept: this "
                       "counter build refuses to start"));
  REQUIRE(daemon.ctl({"emit", "counter.ticks", "1"}).status == 0);
  CHECK(eventually([&] { return daemon.port("counter.count") == json(1); }));
  CHECK(daemon.port("counter.count.code") == json("v1"));
}

TEST_CASE("the watch switches turn each reaction off") {
  // counter.so is in place before mirarid starts: written after, its write could reach the
  // watcher only once the load below has run, and count as a replacement.
  Daemon daemon({.config = "[daemon.watch]\nload = false\nunload = false\n",
                 .plugins = {{"counter.so", "counter"}}});
  REQUIRE(daemon.ctl({"load", "counter.so"}).status == 0);

  // Events are handled in order: once the reload (still on) has happened, the new file
  // copied before it has been seen, and ignored.
  daemon.install("recorder");
  daemon.install("counter-v2", "counter.so");
  REQUIRE(eventually([&] { return daemon.port("counter.count.code") == json("v2"); }));
  CHECK(instance(plugins(daemon), "recorder") == nullptr);

  // Had the deletion unloaded it, the file written again would be a new file, not loaded.
  fs::remove(daemon.plugin_dir() / "counter.so");
  daemon.install("counter", "counter.so");
  CHECK(eventually([&] { return daemon.port("counter.count.code") == json("v1"); }));
  CHECK((*instance(plugins(daemon), "counter"))["reloads"] == 2);
}
