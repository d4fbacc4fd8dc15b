// Memory mirarid takes for a client or a plugin is given back when they go: resident memory
// after many watch-and-disconnect cycles is where it was before them.
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstring>
#include <fstream>
#include <iostream>
#include <string>

#include "daemon.hpp"

using mirari::test::Daemon;
using mirari::test::eventually;
using mirari::test::kWatchNothing;
using nlohmann::json;

namespace {

// VmRSS of pid, in KiB.
long resident_kib(pid_t pid) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  for (std::string line; std::getline(status, line);) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
  }
  return -1;
}

// One client: connects, watches port, reads the first response, disconnects.
bool watch_once(const std::string& socket, const std::string& request) {
  const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  std::strncpy(address.sun_path, socket.c_str(), sizeof address.sun_path - 1);
  bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0 &&
            ::write(fd, request.data(), request.size()) == static_cast<ssize_t>(request.size());
  char buffer[256];
  bool line = false;
  while (ok && !line) {
    const ssize_t n = ::read(fd, buffer, sizeof buffer);
    ok = n > 0;
    if (ok) line = std::memchr(buffer, '\n', static_cast<std::size_t>(n)) != nullptr;
  }
  ::close(fd);
  return ok;
}

std::size_t node_count(const Daemon& daemon) {
  return daemon.request({{"cmd", "nodes"}})["result"].size();
}

}  // namespace

TEST_CASE("100k watch-and-disconnect cycles leave resident memory within 10% of where it was") {
  Daemon daemon({.config = std::string(kWatchNothing) + "[plugins.pulse]\n[plugins.counter]\n",
                 .plugins = {{"pulse.so", "pulse"}, {"counter.so", "counter"}}});
  const std::size_t nodes = node_count(daemon);
  const std::string socket = daemon.socket().string();
  const std::string request = R"({"id": 1, "cmd": "watch", "port": "counter.count"})"
                              "\n";
  const auto cycles = [&](int n) {
    int failed = 0;
    for (int i = 0; i < n; ++i) failed += watch_once(socket, request) ? 0 : 1;
    REQUIRE(failed == 0);
    REQUIRE(eventually([&] { return node_count(daemon) == nodes; }));
  };
  cycles(10000);  // the allocator's working set for this load
  const long before = resident_kib(daemon.pid());
  cycles(100000);
  const long after = resident_kib(daemon.pid());
  std::cout << "mirarid resident memory: " << before << " KiB before, " << after
            << " KiB after 100000 watch-and-disconnect cycles\n";
  CHECK(after <= before + before / 10);
  CHECK(daemon.ctl({"emit", "counter.ticks", "1"}).status == 0);
  CHECK(eventually([&] { return daemon.port("counter.count") == json(1); }));
}
