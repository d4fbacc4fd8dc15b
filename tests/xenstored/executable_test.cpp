// mirari-test-xenstored, the server as a process of its own, started as a test would start it.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <string>
#include <system_error>
#include <thread>
#include <vector>

#include "xs_fixture.hpp"

extern char** environ;

using namespace mirari::testing::xs;

namespace {

// The server process with its standard output on a pipe; killed and reaped when this goes,
// also when the test fails.
class ServerProcess {
 public:
  explicit ServerProcess(const std::vector<std::string>& arguments) {
    int ends[2];
    if (::pipe2(ends, O_CLOEXEC) != 0) fail("pipe2");
    output_ = ends[0];
    posix_spawn_file_actions_t actions;
    ::posix_spawn_file_actions_init(&actions);
    ::posix_spawn_file_actions_adddup2(&actions, ends[1], STDOUT_FILENO);
    std::vector<std::string> argv{MIRARI_TEST_XENSTORED};
    argv.insert(argv.end(), arguments.begin(), arguments.end());
    std::vector<char*> args;
    for (auto& arg : argv) args.push_back(arg.data());
    args.push_back(nullptr);
    const int error = ::posix_spawn(&pid_, args[0], &actions, nullptr, args.data(), environ);
    ::posix_spawn_file_actions_destroy(&actions);
    ::close(ends[1]);
    if (error != 0) {
      ::close(output_);
      errno = error;
      fail("posix_spawn " + argv[0]);
    }
  }
  ~ServerProcess() {
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      while (::waitpid(pid_, nullptr, 0) < 0 && errno == EINTR) {
      }
    }
    ::close(output_);
  }
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

  void signal(int number) const { ::kill(pid_, number); }

  // The exit code once it exited, -1 when a signal ended it, nullopt when it is still running
  // after kDeadline.
  std::optional<int> wait() {
    const auto deadline = std::chrono::steady_clock::now() + kDeadline;
    for (;;) {
      int status = 0;
      const pid_t done = ::waitpid(pid_, &status, WNOHANG);
      if (done == pid_) {
        pid_ = -1;
        return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
      }
      if (done < 0 && errno != EINTR) fail("waitpid");
      if (std::chrono::steady_clock::now() > deadline) return std::nullopt;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  }

 private:
  [[noreturn]] static void fail(const std::string& what) {
    throw std::system_error(errno, std::generic_category(), what);
  }

  pid_t pid_ = -1;
  int output_ = -1;
};

}  // namespace

TEST_CASE("mirari-test-xenstored serves libxenstore until SIGTERM, then removes its socket") {
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

TEST_CASE("mirari-test-xenstored exits on SIGINT with clients still connected") {
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

TEST_CASE("mirari-test-xenstored exits with 1 when it cannot listen") {
  TempDir dir;
  ServerProcess server({"--socket", (dir.path() / "missing" / "xenstored.sock").string()});
  CHECK(server.first_line().empty());
  CHECK(server.wait() == 1);
}
