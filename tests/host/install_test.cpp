// An installed Mirari, as an operator and a plugin author meet it: `cmake --install` into a
// temporary prefix puts everything in its place; the installed mirarid, started with no flag
// but its runtime paths, reads the installed configuration, runs the installed stock plugins
// with the installed libmirari (no LD_LIBRARY_PATH), and hot-loads a policy built out of tree
// against the installed SDK; the installed mirarictl drives it; the unit is one systemd takes.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>
#include <regex>
#include <string>

#include "daemon.hpp"
#include "out_of_tree.hpp"

namespace fs = std::filesystem;
using mirari::test::Daemon;
using mirari::test::DaemonOptions;
using mirari::test::eventually;
using mirari::test::read_file;
using mirari::test::TempDir;
using nlohmann::json;

namespace {

// One installed tree for every test case of this program.
const fs::path& prefix() {
  static TempDir dir;
  static const fs::path installed = [] {
    const fs::path p = dir.path() / "prefix";
    mirari::test::install_build(MIRARI_BUILD_DIR, p);
    return p;
  }();
  return installed;
}

fs::path installed(const std::string& dir, const std::string& file) {
  return prefix() / dir / file;
}

// The libmirari a running process mapped (/proc/PID/maps).
std::string mapped_libmirari(pid_t pid) {
  const std::string maps = read_file("/proc/" + std::to_string(pid) + "/maps");
  std::smatch match;
  const std::regex libmirari(R"((/\S*/libmirari\.so\S*))");
  return std::regex_search(maps, match, libmirari) ? match[1].str() : "";
}

}  // namespace

TEST_CASE("cmake --install puts the programs, the SDK, the plugins, the config and the unit") {
  for (const auto& [dir, file] : std::vector<std::pair<std::string, std::string>>{
           {MIRARI_INSTALL_BINDIR, "mirarid"},
           {MIRARI_INSTALL_BINDIR, "mirarictl"},
           {MIRARI_INSTALL_BINDIR, "mirari-xenstored"},
           {MIRARI_INSTALL_LIBDIR, "libmirari.so.0"},
           {MIRARI_INSTALL_LIBDIR, "cmake/mirari/mirariConfig.cmake"},
           {MIRARI_INSTALL_INCLUDEDIR, "mirari/plugin.hpp"},
           {MIRARI_INSTALL_INCLUDEDIR, "mirari/ports/net.hpp"},
           {MIRARI_INSTALL_PLUGINDIR, "net-watcher.so"},
           {MIRARI_INSTALL_PLUGINDIR, "arp-watcher.so"},
           {MIRARI_INSTALL_PLUGINDIR, "block-watcher.so"},
           {MIRARI_INSTALL_PLUGINDIR, "load-monitor.so"},
           {MIRARI_INSTALL_PLUGINDIR, "xenstore-watcher.so"},
           {MIRARI_INSTALL_PLUGINDIR, "clock.so"},
           {MIRARI_INSTALL_PLUGINDIR, "instance-manager.so"},
           {MIRARI_INSTALL_PLUGINDIR, "routes.so"},
           {MIRARI_INSTALL_PLUGINDIR, "openflow.so"},
           {MIRARI_INSTALL_PLUGINDIR, "threshold-scaler.so"},
           {MIRARI_INSTALL_PLUGINDIR, "target-tracking-scaler.so"},
           {MIRARI_INSTALL_PLUGINDIR, "device-preference.so"},
           {MIRARI_INSTALL_PLUGINDIR, "route-propagation.so"},
           {MIRARI_INSTALL_SYSCONFDIR, "mirari/mirarid.toml"},
           {MIRARI_INSTALL_UNITDIR, "mirarid.service"}}) {
    INFO(dir + "/" + file);
    CHECK(fs::is_regular_file(installed(dir, file)));
  }
  // The configuration and the unit name the prefix installed to.
  const std::string config = read_file(installed(MIRARI_INSTALL_SYSCONFDIR, "mirari/mirarid.toml"));
  CHECK(config.find("plugin_dirs = [\"" + (prefix() / MIRARI_INSTALL_PLUGINDIR).string() + "\"]") !=
        std::string::npos);
  const std::string unit = read_file(installed(MIRARI_INSTALL_UNITDIR, "mirarid.service"));
  CHECK(unit.find("\nExecStart=" + installed(MIRARI_INSTALL_BINDIR, "mirarid").string() +
                  " --config " +
                  installed(MIRARI_INSTALL_SYSCONFDIR, "mirari/mirarid.toml").string() + "\n") !=
        std::string::npos);
}

TEST_CASE(
    "the systemd unit is Type=notify with a watchdog, restarts on failure, logs to the "
    "journal") {
  const fs::path unit = installed(MIRARI_INSTALL_UNITDIR, "mirarid.service");
  const std::string text = read_file(unit);
  for (const char* line :
       {"\nType=notify\n", "\nNotifyAccess=main\n", "\nWatchdogSec=30\n", "\nRestart=on-failure\n",
        "\nStandardError=journal\n", "\nExecReload=/bin/kill -HUP $MAINPID\n",
        "\nRuntimeDirectory=mirari\n", "\nWantedBy=multi-user.target\n"}) {
    INFO(line);
    CHECK(text.find(line) != std::string::npos);
  }
  if (std::system("command -v systemd-analyze >/dev/null 2>&1") == 0) {
    // verify checks every key and that ExecStart's program exists and is executable.
    const fs::path report = unit.parent_path() / "verify.txt";
    const std::string verify = "SYSTEMD_LOG_LEVEL=warning systemd-analyze verify --man=no " +
                               unit.string() + " >" + report.string() + " 2>&1";
    INFO(read_file(report));
    CHECK(std::system(verify.c_str()) == 0);
    CHECK(read_file(report) == "");
  }
}

TEST_CASE("the installed mirarid runs the installed plugins and an out-of-tree policy") {
  ::unsetenv("LD_LIBRARY_PATH");
  TempDir work;
  mirari::test::build_against(MIRARI_POLICY_DIR, work.path() / "policy", prefix());

  // No --config and no --plugin-dir: the installed configuration, which runs net-watcher from
  // the installed plugin directory.
  Daemon daemon(DaemonOptions{.mirarid = installed(MIRARI_INSTALL_BINDIR, "mirarid"),
                              .mirarictl = installed(MIRARI_INSTALL_BINDIR, "mirarictl"),
                              .plugin_dir_flag = false});
  CHECK(mapped_libmirari(daemon.pid()) ==
        fs::canonical(installed(MIRARI_INSTALL_LIBDIR, "libmirari.so.0")).string());

  const auto status = daemon.ctl({"--json", "status"});
  REQUIRE(status.status == 0);
  CHECK(json::parse(status.out)["config"] ==
        installed(MIRARI_INSTALL_SYSCONFDIR, "mirari/mirarid.toml").string());
  const auto plugins = daemon.ctl({"--json", "plugins"});
  REQUIRE(plugins.status == 0);
  const json listed = json::parse(plugins.out);
  REQUIRE(listed.size() == 1);
  CHECK(listed[0]["name"] == "net-watcher");
  CHECK(listed[0]["file"] == installed(MIRARI_INSTALL_PLUGINDIR, "net-watcher.so").string());
  CHECK(eventually([&] { return daemon.port("net.links").has_value(); }));

  // The policy reads net.links with its type from the installed port catalogue.
  const auto loaded = daemon.ctl({"load", (work.path() / "policy" / "fastest-link.so").string()});
  INFO(loaded.err);
  REQUIRE(loaded.status == 0);
  CHECK(eventually([&] { return daemon.port("net.preferred_link").has_value(); }));
  const auto described = daemon.ctl({"describe", "fastest-link"});
  CHECK(described.status == 0);
}

TEST_CASE("with no plugin directory configured, the installed mirarid uses the installed one") {
  ::unsetenv("LD_LIBRARY_PATH");
  Daemon daemon(DaemonOptions{.config = "[plugins.clock]\n",
                              .mirarid = installed(MIRARI_INSTALL_BINDIR, "mirarid"),
                              .mirarictl = installed(MIRARI_INSTALL_BINDIR, "mirarictl"),
                              .plugin_dir_flag = false});
  const auto plugins = daemon.ctl({"--json", "plugins"});
  REQUIRE(plugins.status == 0);
  CHECK(json::parse(plugins.out)[0]["file"] ==
        installed(MIRARI_INSTALL_PLUGINDIR, "clock.so").string());
}
