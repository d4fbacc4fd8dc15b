// mirari-xenstored, the server as a process of its own, started as a test would start it.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <string>
#include <system_error>
#include <vector>

#include "child_process.hpp"
#include "xs_fixture.hpp"

using namespace mirari::testing::xs;

namespace {

// The server process with its standard output on a pipe; killed and reaped when this goes,
// also when the test fails.
class ServerProcess {
 public:
  explicit ServerProcess(const std::vector<std::string>& arguments) {
    int ends[2];
    if (::pipe2(ends, O_CLOEXEC) != 0) {
      throw std::system_error(errno, std::generic_category(), "pipe2");
    }
    output_ = ends[0];
    std::vector<std::string> argv{MIRARI_XENSTORED};
    argv.insert(argv.end(), arguments.begin(), arguments.end());
    try {
      process_.emplace(argv, mirari::testing::ChildStreams{-1, ends[1], -1});
    } catch (...) {
      ::close(ends[0]);
      ::close(ends[1]);
      throw;
    }
    ::close(ends[1]);
  }
  ~ServerProcess() { ::close(output_); }
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  // The first line it printed, without the newline; what it printed so far when no whole line
  // came within kDeadline.
  std::string first_line() {
    std::string line;
    char c = 0;
    while (line.find('\n') == std::string::npos) {
      pollfd readable{output_, POLLIN, 0};
      if (::poll(&readable, 1, static_cast<int>(kDeadline.count() * 1000)) != 1) return line;
      if (::read(output_, &c, 1) != 1) return line;
      line.push_back(c);
    }
    line.pop_back();
    return line;
  }

  void signal(int number) const { process_->signal(number); }
  // The exit status once it ended, nullopt when it is still running after kDeadline.
  std::optional<int> wait() { return process_->wait(kDeadline); }

 private:
  int output_ = -1;
  std::optional<mirari::testing::ChildProcess> process_;
};

}  // namespace

TEST_CASE("mirari-xenstored serves libxenstore until SIGTERM, then removes its socket") {
  TempDir dir;
  const auto socket = dir.path() / "xenstored.sock";
  ServerProcess server({"--socket", socket.string()});
  REQUIRE(server.first_line() == "ready " + socket.string());

  ::setenv("XENSTORED_PATH", socket.c_str(), 1);
  {
    Handle xs = open();
    write(xs.get(), "/vm/name", "web");
    CHECK(read(xs.get(), "/vm/name") == "web");
    Handle other = open();
    CHECK(read(other.get(), "/vm/name") == "web");
  }
  ::unsetenv("XENSTORED_PATH");

  server.signal(SIGTERM);
  CHECK(server.wait() == 0);
  CHECK_FALSE(std::filesystem::exists(socket));
}

TEST_CASE("mirari-xenstored exits on SIGINT with clients still connected") {
  TempDir dir;
  const auto socket = dir.path() / "xenstored.sock";
  ServerProcess server({"--socket", socket.string()});
  REQUIRE(server.first_line() == "ready " + socket.string());
  ::setenv("XENSTORED_PATH", socket.c_str(), 1);
  Handle xs = open();
  ::unsetenv("XENSTORED_PATH");
  watch(xs.get(), "/vm", "t");
  REQUIRE(next_event(xs.get()) == Event{"/vm", "t"});

  server.signal(SIGINT);
  CHECK(server.wait() == 0);
  CHECK(eventually([&] { return connection_lost(xs.get()); }));
}

TEST_CASE("mirari-xenstored exits with 1 when it cannot listen") {
  TempDir dir;
  ServerProcess server({"--socket", (dir.path() / "missing" / "xenstored.sock").string()});
  CHECK(server.first_line().empty());
  CHECK(server.wait() == 1);
}
