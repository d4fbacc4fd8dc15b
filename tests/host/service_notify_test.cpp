// mirarid as a systemd service (Type=notify, WatchdogSec=): what it tells the service manager,
// read from a unix datagram socket of the test's own named by NOTIFY_SOCKET, as systemd's is.
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include <catch2/catch.hpp>

#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "daemon.hpp"

namespace fs = std::filesystem;
using mirari::test::Daemon;
using mirari::test::DaemonOptions;
using mirari::test::eventually;
using mirari::test::kDeadline;

namespace {

// The service manager's end: a bound unix datagram socket.
class NotifySocket {
 public:
  explicit NotifySocket(const fs::path& path) : path_(path) {
    fd_ = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    path.string().copy(address.sun_path, sizeof address.sun_path - 1);
    REQUIRE(::bind(fd_, reinterpret_cast<const sockaddr*>(&address), sizeof address) == 0);
  }
  ~NotifySocket() { ::close(fd_); }
  NotifySocket(const NotifySocket&) = delete;
  NotifySocket& operator=(const NotifySocket&) = delete;

  const fs::path& path() const { return path_; }

  // The next message within timeout.
  std::optional<std::string> receive(std::chrono::milliseconds timeout) {
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(timeout.count())) != 1) return std::nullopt;
    char buffer[4096];
    const ssize_t n = ::recv(fd_, buffer, sizeof buffer, 0);
    if (n < 0) return std::nullopt;
    return std::string(buffer, static_cast<std::size_t>(n));
  }
  // The next message that is not a watchdog ping, counting the pings passed over.
  std::optional<std::string> next_state(int* pings = nullptr) {
    while (auto message = receive(kDeadline)) {
      if (*message != "WATCHDOG=1") return message;
      if (pings != nullptr) ++*pings;
    }
    return std::nullopt;
  }
  // Pings received within window (and nothing else).
  int pings_during(std::chrono::milliseconds window) {
    int pings = 0;
    const auto end = std::chrono::steady_clock::now() + window;
    for (auto now = end - window; now < end; now = std::chrono::steady_clock::now()) {
      auto message = receive(std::chrono::duration_cast<std::chrono::milliseconds>(end - now));
      if (message == "WATCHDOG=1") ++pings;
    }
    return pings;
  }

 private:
  fs::path path_;
  int fd_ = -1;
};

// The environment systemd gives a Type=notify service with WatchdogSec=, while the daemon starts.
class ServiceEnvironment {
 public:
  ServiceEnvironment(const fs::path& socket, const std::string& watchdog_usec) {
    ::setenv("NOTIFY_SOCKET", socket.c_str(), 1);
    ::setenv("WATCHDOG_USEC", watchdog_usec.c_str(), 1);
  }
  ~ServiceEnvironment() {
    ::unsetenv("NOTIFY_SOCKET");
    ::unsetenv("WATCHDOG_USEC");
  }
};

std::string gate_table(const fs::path& gate) {
  return "[plugins.slow]\nfile = \"gate.so\"\ntrigger = \"slow.trigger\"\ndone = \"slow.done\"\n"
         "where = \"effect\"\ngate = \"" +
         gate.string() + "\"\n";
}

// A mirarid started as systemd starts a service, pinging every 50 ms.
struct Service {
  mirari::test::TempDir scratch;
  NotifySocket notify{scratch.path() / "notify.sock"};
  std::optional<Daemon> daemon;

  explicit Service(DaemonOptions options) {
    ServiceEnvironment environment(notify.path(), "100000");
    daemon.emplace(std::move(options));
  }
};

}  // namespace

TEST_CASE("READY=1 comes once the plugins run and the control socket answers") {
  Service s({.config = std::string(mirari::test::kWatchNothing) + "[plugins.counter]\n",
             .plugins = {{"counter.so", "counter"}}});
  CHECK(s.notify.next_state() == "READY=1\nSTATUS=1 plugin instance(s) running");
  CHECK(s.daemon->log().find("systemd watchdog: a ping every 50 ms from the graph's thread") !=
        std::string::npos);
  CHECK(s.daemon->ctl({"status"}).status == 0);
}

TEST_CASE("SIGHUP is RELOADING=1, then READY=1 once the re-read file is applied") {
  Service s({.config = std::string(mirari::test::kWatchNothing) + "[plugins.counter]\n",
             .plugins = {{"counter.so", "counter"}}});
  REQUIRE(s.notify.next_state() == "READY=1\nSTATUS=1 plugin instance(s) running");
  s.daemon->write_config(std::string(mirari::test::kWatchNothing) +
                         "[plugins.counter]\n[plugins.second]\nfile = \"counter.so\"\n"
                         "input = \"second.ticks\"\noutput = \"second.count\"\n");
  s.daemon->signal(SIGHUP);
  const auto reloading = s.notify.next_state();
  REQUIRE(reloading);
  CHECK(
      reloading->starts_with("RELOADING=1\nSTATUS=re-reading the configuration\nMONOTONIC_USEC="));
  CHECK(s.notify.next_state().value_or("") == "READY=1\nSTATUS=2 plugin instance(s) running");

  // A file refused whole is a reload too, over at once.
  s.daemon->write_config("[daemon]\nno_such_key = 1\n");
  s.daemon->signal(SIGHUP);
  CHECK(s.notify.next_state().value_or("").starts_with("RELOADING=1\n"));
  CHECK(s.notify.next_state().value_or("") == "READY=1\nSTATUS=2 plugin instance(s) running");
}

TEST_CASE("SIGTERM is STOPPING=1, and nothing but watchdog pings follows it") {
  Service s({});
  REQUIRE(s.notify.next_state() == "READY=1\nSTATUS=0 plugin instance(s) running");
  s.daemon->signal(SIGTERM);
  CHECK(s.notify.next_state() == "STOPPING=1\nSTATUS=stopping");
  CHECK(s.daemon->wait_exit() == 0);
  while (auto message = s.notify.receive(std::chrono::milliseconds(0))) {
    CHECK(*message == "WATCHDOG=1");
  }
}

TEST_CASE("a failed start is STOPPING=1 and never READY=1") {
  mirari::test::TempDir scratch;
  NotifySocket notify(scratch.path() / "notify.sock");
  const fs::path config = scratch.path() / "mirarid.toml";
  fs::create_directories(scratch.path() / "plugins");
  fs::copy_file(mirari::test::test_plugin("bad-abi"), scratch.path() / "plugins" / "bad-abi.so");
  mirari::test::write_file(config, "[plugins.bad]\nfile = \"bad-abi.so\"\n");
  mirari::test::Run run;
  {
    ServiceEnvironment environment(notify.path(), "100000");
    run = mirari::test::run(
        {MIRARID_PATH, "--config", config.string(), "--plugin-dir",
         (scratch.path() / "plugins").string(), "--runtime-dir", (scratch.path() / "run").string()},
        scratch.path());
  }
  CHECK(run.status == 1);
  CHECK(notify.next_state() == "STOPPING=1\nSTATUS=stopping");
}

TEST_CASE("watchdog pings come from the graph's thread: a blocked effect stops them") {
  mirari::test::TempDir scratch;
  const fs::path gate = scratch.path() / "open";
  Service s({.config = std::string(mirari::test::kWatchNothing) + gate_table(gate),
             .plugins = {{"gate.so", "gate"}}});
  int pings = 0;
  REQUIRE(s.notify.next_state(&pings) == "READY=1\nSTATUS=1 plugin instance(s) running");
  CHECK(eventually([&] { return s.notify.pings_during(std::chrono::milliseconds(200)) > 0; }));

  REQUIRE(s.daemon->ctl({"emit", "slow.trigger", "1"}).status == 0);
  // The effect now holds the graph's thread; a ping already on its way may still arrive.
  s.notify.pings_during(std::chrono::milliseconds(100));
  CHECK(s.notify.pings_during(std::chrono::milliseconds(1000)) == 0);
  CHECK(s.daemon->ctl({"status"}).status == 0);  // the control thread still answers

  mirari::test::write_file(gate, "");
  CHECK(eventually([&] { return s.notify.pings_during(std::chrono::milliseconds(200)) > 0; }));
}
