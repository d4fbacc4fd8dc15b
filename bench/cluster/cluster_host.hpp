// A real mirarid running the cluster plugin, as one host of the cluster benchmarks, and what
// /proc says of a process (CPU time, resident memory, the load average).
//
//   ClusterHost b(etcd, "b", "import = [\"routes.desired\"]\nhosts = [\"a\"]\n");
//   WatchStream watch(b, "cluster.a.routes.desired");   // each committed change, stamped
//   b.kill();                                            // SIGKILL, reaped
//
// Each host has a temporary directory of its own (configuration, runtime directory, control
// socket, log); it is started with the cluster plugin of this build and cluster "bench", and
// the constructor returns once it answers on its control socket. The destructor stops it
// (SIGTERM, so it revokes its lease) and removes the directory. Everything throws
// std::runtime_error with the host's log when it fails.
#pragma once

#include <fcntl.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/un.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "process_usage.hpp"

#include "child_process.hpp"
#include "control_client.hpp"
#include "etcd_cluster.hpp"
#include "eventually.hpp"
#include "temp_dir.hpp"

namespace mirari::bench {

using Clock = std::chrono::steady_clock;

inline std::string read_text(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// User and system CPU time of process pid so far, in seconds (fields 14 and 15 of
// /proc/<pid>/stat, counted in clock ticks of 10 ms).
inline double cpu_seconds(pid_t pid) {
  const std::string text = read_text("/proc/" + std::to_string(pid) + "/stat");
  const std::size_t close = text.rfind(')');
  if (close == std::string::npos) throw std::runtime_error("no process " + std::to_string(pid));
  std::istringstream rest(text.substr(close + 2));
  std::string field;
  // Fields 3 to 13, then utime and stime.
  for (int i = 3; i <= 13; ++i) rest >> field;
  long utime = 0, stime = 0;
  rest >> utime >> stime;
  return static_cast<double>(utime + stime) / static_cast<double>(::sysconf(_SC_CLK_TCK));
}

// Resident memory of process pid, in KiB (VmRSS).
inline long resident_kib(pid_t pid) {
  return vm_rss_kib("/proc/" + std::to_string(pid) + "/status");
}

// The pids of this process's children whose command is name (the etcd members, say).
inline std::vector<pid_t> children_named(const std::string& name) {
  std::vector<pid_t> out;
  for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
    const std::string pid = entry.path().filename();
    if (pid.find_first_not_of("0123456789") != std::string::npos) continue;
    const std::string text = read_text(entry.path() / "stat");
    const std::size_t open = text.find('('), close = text.rfind(')');
    if (open == std::string::npos || close == std::string::npos) continue;
    std::istringstream rest(text.substr(close + 2));
    char state = 0;
    pid_t parent = 0;
    rest >> state >> parent;
    if (parent == ::getpid() && text.substr(open + 1, close - open - 1) == name) {
      out.push_back(std::stoi(pid));
    }
  }
  return out;
}

// The machine's load average over the last minute, as `uptime` prints it.
inline double load_average() {
  double one = 0;
  std::ifstream("/proc/loadavg") >> one;
  return one;
}

class ClusterHost {
 public:
  // more: TOML lines added to [plugins.cluster] (export, import, hosts, roles, ttl).
  ClusterHost(const testing::EtcdCluster& etcd, std::string name, const std::string& more,
              std::int64_t ttl = 10)
      : name_(std::move(name)) {
    const auto run = dir_.path() / "run";
    std::filesystem::create_directories(run);
    std::ofstream(dir_.path() / "mirarid.toml")
        << "[plugins.cluster]\nfile = \"" MIRARI_CLUSTER_SO "\"\nhost = \"" << name_
        << "\"\ncluster = \"bench\"\nendpoints = " << etcd.toml_endpoints() << "\nttl = " << ttl
        << "\n"
        << more;
    argv_ = {MIRARID_PATH,     "--config",   (dir_.path() / "mirarid.toml").string(),
             "--runtime-dir",  run.string(), "--control-socket",
             socket().string()};
    start();
  }
  ~ClusterHost() {
    if (child_ && child_->running()) {
      child_->signal(SIGTERM);
      child_->wait();
    }
  }
  ClusterHost(const ClusterHost&) = delete;
  ClusterHost& operator=(const ClusterHost&) = delete;

  const std::string& name() const noexcept { return name_; }
  pid_t pid() const noexcept { return child_->pid(); }
  std::filesystem::path socket() const { return dir_.path() / "run" / "mirarid.sock"; }
  std::string log() const { return read_text(dir_.path() / "mirarid.log"); }

  // One request on a connection of its own; throws unless mirarid answers ok.
  nlohmann::json request(const nlohmann::json& request) const {
    host::ControlClient client(socket());
    nlohmann::json response = client.call(request);
    if (!response.value("ok", false)) {
      throw std::runtime_error("host " + name_ + " refused " + request.dump() + ": " +
                               response.dump());
    }
    return response["result"];
  }

  // SIGKILL: the host cannot revoke its lease, which expires. Returns once it is reaped.
  void kill() {
    child_->signal(SIGKILL);
    child_->wait_for_exit();
  }
  // SIGSTOP and SIGCONT: a host frozen and thawed.
  void signal(int signal) const { child_->signal(signal); }
  // Starts mirarid again in the same directory (after kill()).
  void restart() { start(); }

 private:
  void start() {
    const int in = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    const int err = ::open((dir_.path() / "mirarid.log").c_str(),
                           O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    child_ = std::make_unique<testing::ChildProcess>(argv_, testing::ChildStreams{in, err, err});
    ::close(in);
    ::close(err);
    const bool ready = testing::eventually([this] {
      if (!child_->running()) return true;
      try {
        host::ControlClient client(socket());
        return client.call({{"cmd", "status"}}).value("ok", false);
      } catch (const std::exception&) {
        return false;
      }
    });
    if (!ready || !child_->running()) {
      throw std::runtime_error("mirarid of host " + name_ + " did not start; its log:\n" + log());
    }
  }

  testing::TempDir dir_;
  std::string name_;
  std::vector<std::string> argv_;
  std::unique_ptr<testing::ChildProcess> child_;
};

// A `watch` of one port on a host's control socket, as mirarictl holds it, read on a thread of
// its own that stamps each response as it arrives. The destructor shuts the connection, which
// ends the thread (and the watch: mirarid drops a watch whose client is gone).
class WatchStream {
 public:
  struct Line {
    Clock::time_point at;
    std::chrono::system_clock::time_point wall;  // the same instant, to compare with the epoch
    nlohmann::json value;
  };

  WatchStream(const ClusterHost& host, const std::string& port) {
    fd_ = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    const std::string path = host.socket().string();
    path.copy(address.sun_path, sizeof address.sun_path - 1);
    const std::string request =
        nlohmann::json{{"id", 1}, {"cmd", "watch"}, {"port", port}}.dump() + "\n";
    if (fd_ < 0 || ::connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
        ::write(fd_, request.data(), request.size()) != static_cast<ssize_t>(request.size())) {
      if (fd_ >= 0) ::close(fd_);
      throw std::runtime_error("cannot watch " + port + " at host " + host.name());
    }
    thread_ = std::thread([this] { read(); });
  }
  ~WatchStream() {
    ::shutdown(fd_, SHUT_RDWR);
    thread_.join();
    ::close(fd_);
  }
  WatchStream(const WatchStream&) = delete;
  WatchStream& operator=(const WatchStream&) = delete;

  // The lines received since the last call, in order.
  std::vector<Line> drain() {
    std::lock_guard lock(mutex_);
    if (!error_.empty()) throw std::runtime_error("watch refused: " + error_);
    return std::exchange(lines_, {});
  }

 private:
  void read() {
    std::string pending;
    char chunk[65536];
    for (;;) {
      const ssize_t got = ::read(fd_, chunk, sizeof chunk);
      if (got <= 0) return;
      const auto at = Clock::now();
      const auto wall = std::chrono::system_clock::now();
      std::size_t from = pending.size();  // what was read before holds no newline
      pending.append(chunk, static_cast<std::size_t>(got));
      std::size_t start = 0;
      for (std::size_t end; (end = pending.find('\n', from)) != std::string::npos;
           start = from = end + 1) {
        auto response = nlohmann::json::parse(pending.begin() + static_cast<std::ptrdiff_t>(start),
                                              pending.begin() + static_cast<std::ptrdiff_t>(end),
                                              nullptr, false);
        std::lock_guard lock(mutex_);
        if (response.is_discarded() || !response.value("ok", false)) {
          error_ = pending.substr(start, end - start);
          return;
        }
        lines_.push_back({at, wall, std::move(response["result"])});
      }
      pending.erase(0, start);
    }
  }

  int fd_ = -1;
  std::mutex mutex_;
  std::vector<Line> lines_;
  std::string error_;
  std::thread thread_;
};

}  // namespace mirari::bench
