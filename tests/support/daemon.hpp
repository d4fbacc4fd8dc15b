// A real mirarid for integration tests, in a temporary directory of its own.
//
//   mirari::test::Daemon daemon;                       // flags only, plugin dir DIR/plugins
//   daemon.install("counter");                         // copies a built test plugin there
//   auto r = daemon.ctl({"load", "counter.so"});       // runs the real mirarictl
//   CHECK(r.status == 0);
//
// The daemon runs with --runtime-dir DIR/run (or the one the options name) --control-socket
// DIR/run/mirarid.sock, plus
// --plugin-dir DIR/plugins unless its configuration names plugin_dirs (or the options say
// not to); its standard error is
// DIR/mirarid.log. In a configuration, "{dir}" and "{plugins}" stand for those paths. The
// constructor returns once the daemon answers on its socket (or throws with its log); the
// destructor stops it (SIGTERM, SIGKILL after a deadline), reaps it, on failure too, and
// removes DIR.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "child_process.hpp"
#include "eventually.hpp"
#include "mirari/plugin.hpp"
#include "temp_dir.hpp"

namespace mirari::test {

// How long any awaited condition may take before a test gives up.
inline constexpr std::chrono::seconds kDeadline{30};

// A configuration in which the plugin directory only serves to find plugin files: nothing is
// loaded, reloaded or unloaded when it changes.
inline constexpr const char* kWatchNothing =
    "[daemon.watch]\nload = false\nreload = false\nunload = false\n";

// Polls condition until it holds (true) or timeout passes (false).
inline bool eventually(const std::function<bool()>& condition,
                       std::chrono::milliseconds timeout = kDeadline) {
  return testing::eventually(condition, timeout);
}

using testing::TempDir;

using Child = testing::ChildProcess;

// Starts argv with its standard input from /dev/null and its output and error written to
// files (output replaced, error appended).
std::unique_ptr<Child> start_logged(const std::vector<std::string>& argv,
                                    const std::filesystem::path& out,
                                    const std::filesystem::path& err);

struct Run {
  int status = -1;
  std::string out;
  std::string err;
};

// Runs a program to its end (killed after kDeadline: status -1).
Run run(const std::vector<std::string>& argv, const std::filesystem::path& scratch);

// The file of a test plugin built with the tests ("counter", "counter-v2", "bad-abi", ...).
std::filesystem::path test_plugin(const std::string& name);
std::string read_file(const std::filesystem::path& file);
void write_file(const std::filesystem::path& file, const std::string& text);

struct DaemonOptions {
  std::string config{};             // TOML written to DIR/mirarid.toml; empty: no --config
  std::vector<std::string> args{};  // more command-line flags
  // Test plugins copied into DIR/plugins before the daemon starts: {file name, plugin}.
  std::vector<std::pair<std::string, std::string>> plugins{};
  // The runtime directory; empty: DIR/run (the control socket stays in DIR/run).
  std::filesystem::path runtime_dir{};
  // The programs run; empty: those of this build (an installed tree's, for the install test).
  std::filesystem::path mirarid{};
  std::filesystem::path mirarictl{};
  // false: no --plugin-dir flag at all, whatever the configuration says.
  bool plugin_dir_flag = true;
  // A named network namespace (`ip netns`) to run mirarid in, through `ip netns exec`, which
  // execs it: pid(), signal() and restart() are mirarid's own. The control socket is a path,
  // so ctl() and port() reach it from the test's namespace. Empty: the test's namespace.
  std::string netns{};
};

class Daemon {
 public:
  explicit Daemon(DaemonOptions options = {});
  ~Daemon();
  Daemon(const Daemon&) = delete;
  Daemon& operator=(const Daemon&) = delete;

  const std::filesystem::path& dir() const noexcept { return dir_.path(); }
  std::filesystem::path plugin_dir() const { return dir() / "plugins"; }
  std::filesystem::path socket() const { return dir() / "run" / "mirarid.sock"; }
  std::filesystem::path config_file() const { return dir() / "mirarid.toml"; }
  const std::filesystem::path& runtime_dir() const noexcept { return runtime_dir_; }
  pid_t pid() const noexcept { return child_->pid(); }
  bool running() { return child_->running(); }
  std::string log() const;
  // Waits until the log contains text.
  bool log_shows(const std::string& text, std::chrono::milliseconds timeout = kDeadline) const;

  // Copies the test plugin `plugin` to DIR/plugins/<as> (default: "<plugin>.so") the way a
  // build would: written in place (IN_CLOSE_WRITE). Returns the file.
  std::filesystem::path install(const std::string& plugin, std::string as = "") const;
  // Writes the configuration file again ("{dir}" and "{plugins}" replaced).
  void write_config(const std::string& toml) const;

  // Runs the real mirarictl against this daemon.
  Run ctl(const std::vector<std::string>& args) const;
  // Starts mirarictl in the background (for watch); its output goes to the returned path.
  std::unique_ptr<Child> ctl_background(const std::vector<std::string>& args,
                                        std::filesystem::path& out) const;
  // Sends one request on a fresh connection and returns the response.
  nlohmann::json request(const nlohmann::json& request) const;
  // The value of a signal port, or nullopt when it cannot be read.
  std::optional<nlohmann::json> port(const std::string& name) const;

  void signal(int signal) const { child_->signal(signal); }
  std::optional<int> wait_exit(std::chrono::milliseconds timeout = kDeadline) {
    return child_->wait(timeout);
  }
  // Starts mirarid again, as a supervisor would, with the same flags and directory, once the
  // previous one has exited (waits for it; kill it first to restart a running one). Returns
  // once the new one answers (or throws with its log).
  void restart();

 private:
  void start();

  TempDir dir_;
  std::filesystem::path runtime_dir_;
  std::vector<std::string> argv_;
  std::string mirarictl_;
  std::unique_ptr<Child> child_;
  mutable int runs_ = 0;
};

}  // namespace mirari::test

// What the host says of the test library that claims the next plugin ABI (bad-abi.so).
inline std::string abi_refusal() {
  return ": built for plugin ABI " + std::to_string(mirari::kAbiVersion + 1) +
         ", this host speaks ABI " + std::to_string(mirari::kAbiVersion) +
         "; rebuild it against this SDK";
}
