#include "daemon.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>
#include <stdexcept>
#include <system_error>

#include "control_client.hpp"

extern char** environ;

namespace mirari::test {

namespace fs = std::filesystem;
using nlohmann::json;

std::unique_ptr<Child> start_logged(const std::vector<std::string>& argv, const fs::path& out,
                                    const fs::path& err) {
  const int in = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  const int o = ::open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  const int e = ::open(err.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  const int error = errno;
  std::unique_ptr<Child> child;
  if (in >= 0 && o >= 0 && e >= 0)
    child = std::make_unique<Child>(argv, testing::ChildStreams{in, o, e});
  for (const int fd : {in, o, e}) {
    if (fd >= 0) ::close(fd);
  }
  if (!child)
    throw std::system_error(error, std::generic_category(),
                            "cannot open the logs of '" + argv.at(0) + "'");
  return child;
}

std::string read_file(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

void write_file(const fs::path& file, const std::string& text) {
  std::ofstream(file, std::ios::binary | std::ios::trunc) << text;
}

Run run(const std::vector<std::string>& argv, const fs::path& scratch) {
  static int counter = 0;
  const std::string stem = "run." + std::to_string(++counter);
  const fs::path out = scratch / (stem + ".out"), err = scratch / (stem + ".err");
  Run result;
  {
    const std::unique_ptr<Child> child = start_logged(argv, out, err);
    result.status = child->wait(kDeadline).value_or(-1);
  }
  result.out = read_file(out);
  result.err = read_file(err);
  return result;
}

fs::path test_plugin(const std::string& name) {
  return fs::path(MIRARI_TEST_PLUGIN_DIR) / (name + ".so");
}

namespace {

std::string expand(std::string text, const fs::path& dir) {
  const auto replace = [&](const std::string& token, const std::string& with) {
    for (auto at = text.find(token); at != std::string::npos; at = text.find(token, at)) {
      text.replace(at, token.size(), with);
      at += with.size();
    }
  };
  replace("{plugins}", (dir / "plugins").string());
  replace("{dir}", dir.string());
  return text;
}

}  // namespace

Daemon::Daemon(DaemonOptions options) {
  fs::create_directories(plugin_dir());
  for (const auto& [as, plugin] : options.plugins) install(plugin, as);
  runtime_dir_ = options.runtime_dir.empty() ? dir() / "run" : options.runtime_dir;
  fs::create_directories(socket().parent_path());
  mirarictl_ = options.mirarictl.empty() ? MIRARICTL_PATH : options.mirarictl.string();
  std::vector<std::string> argv{options.mirarid.empty() ? MIRARID_PATH : options.mirarid.string(),
                                "--runtime-dir", runtime_dir_.string(), "--control-socket",
                                socket().string()};
  if (!options.config.empty()) {
    write_config(options.config);
    argv.insert(argv.end(), {"--config", config_file().string()});
  }
  if (options.plugin_dir_flag && options.config.find("plugin_dirs") == std::string::npos) {
    argv.insert(argv.end(), {"--plugin-dir", plugin_dir().string()});
  }
  argv.insert(argv.end(), options.args.begin(), options.args.end());
  if (!options.netns.empty()) argv.insert(argv.begin(), {"ip", "netns", "exec", options.netns});
  argv_ = std::move(argv);
  start();
}

void Daemon::restart() {
  child_->wait_for_exit();
  start();
}

void Daemon::start() {
  child_ = start_logged(argv_, dir() / "mirarid.out", dir() / "mirarid.log");
  const bool ready = eventually([this] {
    if (!child_->running()) return true;
    try {
      return request({{"cmd", "status"}}).value("ok", false);
    } catch (const std::exception&) {
      return false;
    }
  });
  if (!ready || !child_->running()) {
    throw std::runtime_error("mirarid did not start; its log:\n" + log());
  }
}

Daemon::~Daemon() {
  if (!child_->running()) return;
  child_->signal(SIGTERM);
  const auto status = child_->wait();
  // A daemon that does not stop cleanly (a sanitizer report, a hang) shows in the test's output.
  if (status != 0) {
    std::cerr << "mirarid (pid " << pid() << ") stopped with status " << status.value_or(-1)
              << "; its log:\n"
              << log();
  }
}

std::string Daemon::log() const {
  return read_file(dir() / "mirarid.log");
}

bool Daemon::log_shows(const std::string& text, std::chrono::milliseconds timeout) const {
  return eventually([&] { return log().find(text) != std::string::npos; }, timeout);
}

fs::path Daemon::install(const std::string& plugin, std::string as) const {
  if (as.empty()) as = plugin + ".so";
  const fs::path file = plugin_dir() / as;
  fs::copy_file(test_plugin(plugin), file, fs::copy_options::overwrite_existing);
  return file;
}

void Daemon::write_config(const std::string& toml) const {
  write_file(config_file(), expand(toml, dir()));
}

Run Daemon::ctl(const std::vector<std::string>& args) const {
  std::vector<std::string> argv{mirarictl_, "--socket", socket().string()};
  argv.insert(argv.end(), args.begin(), args.end());
  return run(argv, dir());
}

std::unique_ptr<Child> Daemon::ctl_background(const std::vector<std::string>& args,
                                              fs::path& out) const {
  std::vector<std::string> argv{mirarictl_, "--socket", socket().string()};
  argv.insert(argv.end(), args.begin(), args.end());
  out = dir() / ("background." + std::to_string(++runs_) + ".out");
  return start_logged(argv, out, dir() / ("background." + std::to_string(runs_) + ".err"));
}

json Daemon::request(const json& request) const {
  host::ControlClient client(socket());
  return client.call(request);
}

std::optional<json> Daemon::port(const std::string& name) const {
  try {
    json response = request({{"cmd", "get"}, {"port", name}});
    if (!response.value("ok", false)) return std::nullopt;
    return response["result"];
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

}  // namespace mirari::test
