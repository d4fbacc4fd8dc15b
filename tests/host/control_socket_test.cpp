// The control socket: private to its owner, JSON lines in and out, and robust against
// clients that send garbage, too much, or disappear.
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstring>
#include <thread>

#include "control_client.hpp"
#include "daemon.hpp"

using mirari::host::ControlClient;
using mirari::test::Daemon;
using mirari::test::eventually;
using mirari::test::kWatchNothing;
using nlohmann::json;

TEST_CASE("the control socket can be opened by its owner only") {
  Daemon daemon;
  struct stat st {};
  REQUIRE(::stat(daemon.socket().c_str(), &st) == 0);
  CHECK(S_ISSOCK(st.st_mode));
  CHECK((st.st_mode & 0777) == 0600);
}

TEST_CASE("garbage on the socket gets an error response, and the daemon keeps running") {
  Daemon daemon;
  ControlClient client(daemon.socket());

  client.send_line("hello\n");
  json r = *client.next();
  CHECK(r["id"].is_null());
  CHECK(r["ok"] == false);
  CHECK(r["error"].get<std::string>().find("malformed request, not JSON: ") == 0);

  client.send_line("\xff\xfe\x01\n");
  r = *client.next();
  CHECK(r["ok"] == false);
  CHECK(r["error"].get<std::string>().find("malformed request, not JSON: ") == 0);

  client.send_line("[1, 2]\n");
  CHECK(client.next()->value("error", "") ==
        R"(a request is a JSON object such as {"id": 1, "cmd": "status"})");

  client.send_line(R"({"id": 7, "cmd": 42})"
                   "\n");
  r = *client.next();
  CHECK(r["id"] == 7);
  CHECK(r["error"] == R"(a request needs a string "cmd")");

  client.send_line(R"({"id": "x", "cmd": "frobnicate"})"
                   "\n");
  CHECK(client.next()->value("error", "") ==
        "unknown command 'frobnicate' (commands: status, plugins, describe, load, unload, "
        "reload, nodes, ports, graph, get, watch, set, emit, stats, metrics)");

  client.send_line(R"({"id": 8, "cmd": "unload"})"
                   "\n");
  CHECK(client.next()->value("error", "") == R"('unload' needs a string "name")");

  // The same connection still works, and so does the daemon.
  CHECK(client.call({{"cmd", "status"}})["ok"] == true);
  CHECK(daemon.running());
}

TEST_CASE("requests on one connection are answered in order, each with its id") {
  Daemon daemon;
  ControlClient client(daemon.socket());
  client.send_line(R"({"id": 1, "cmd": "status"})"
                   "\n"
                   R"({"id": "two", "cmd": "ports"})"
                   "\n"
                   R"({"cmd": "stats"})"
                   "\n");
  CHECK((*client.next())["id"] == 1);
  CHECK((*client.next())["id"] == "two");
  const json third = *client.next();
  CHECK(third["id"].is_null());
  CHECK(third["ok"] == true);
}

TEST_CASE("a request line over the limit ends that connection only") {
  Daemon daemon;
  ControlClient client(daemon.socket());
  try {
    client.send_line(std::string(2 << 20, 'x'));
  } catch (const mirari::host::ControlClientError&) {
    // The daemon may hang up before the whole line is sent.
  }
  const auto response = client.next();
  REQUIRE(response.has_value());
  CHECK((*response)["error"] == "request line longer than 1048576 bytes");
  CHECK_FALSE(client.next().has_value());
  CHECK(daemon.ctl({"status"}).status == 0);
}

TEST_CASE("another user is refused, even when the socket file lets it in") {
  if (::geteuid() != 0) {
    WARN("only root can act as another user: skipped");
    return;
  }
  Daemon daemon;
  REQUIRE(::chmod(daemon.socket().c_str(), 0666) == 0);
  for (const auto& dir : {daemon.dir(), daemon.socket().parent_path()}) {
    REQUIRE(::chmod(dir.c_str(), 0755) == 0);
  }
  const std::string path = daemon.socket().string();
  int pipe_fds[2];
  REQUIRE(::pipe(pipe_fds) == 0);
  const pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    ::close(pipe_fds[0]);
    if (::setgid(65534) != 0 || ::setuid(65534) != 0) ::_exit(2);
    const int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    std::strncpy(address.sun_path, path.c_str(), sizeof address.sun_path - 1);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) ::_exit(3);
    const char request[] = "{\"id\":1,\"cmd\":\"status\"}\n";
    (void)!::write(fd, request, sizeof request - 1);
    char buffer[512];
    ssize_t n;
    while ((n = ::read(fd, buffer, sizeof buffer)) > 0) (void)!::write(pipe_fds[1], buffer, n);
    ::_exit(0);
  }
  ::close(pipe_fds[1]);
  std::string answer;
  char buffer[512];
  ssize_t n;
  while ((n = ::read(pipe_fds[0], buffer, sizeof buffer)) > 0) answer.append(buffer, n);
  ::close(pipe_fds[0]);
  int status = 0;
  ::waitpid(child, &status, 0);
  REQUIRE(WIFEXITED(status));
  REQUIRE(WEXITSTATUS(status) == 0);
  const json response = json::parse(answer);
  CHECK(response["ok"] == false);
  CHECK(response["error"] == "permission denied: uid 65534 may not control this mirarid");
  CHECK(daemon.log().find("uid 65534 is neither root nor mirarid's uid 0") != std::string::npos);
}

TEST_CASE("a watch ends when its client disconnects") {
  Daemon daemon(
      {.config = kWatchNothing, .plugins = {{"pulse.so", "pulse"}, {"counter.so", "counter"}}});
  REQUIRE(daemon.ctl({"load", "pulse.so"}).status == 0);
  REQUIRE(daemon.ctl({"load", "counter.so"}).status == 0);
  const auto watchers = [&] {
    int n = 0;
    const json nodes = daemon.request({{"cmd", "nodes"}})["result"];
    for (const json& node : nodes) {
      if (node["owner"].get<std::string>().find("watch counter.count") == 0) ++n;
    }
    return n;
  };
  {
    ControlClient client(daemon.socket());
    client.send_line(R"({"id": 1, "cmd": "watch", "port": "counter.count"})"
                     "\n");
    CHECK(*client.next() == json({{"id", 1}, {"ok", true}, {"result", 0}}));
    REQUIRE(daemon.ctl({"emit", "counter.ticks", "1"}).status == 0);
    CHECK(*client.next() == json({{"id", 1}, {"ok", true}, {"result", 1}}));
    CHECK(watchers() == 1);
  }
  CHECK(eventually([&] { return watchers() == 0; }));
  REQUIRE(daemon.ctl({"emit", "counter.ticks", "1"}).status == 0);
  CHECK(eventually([&] { return daemon.port("counter.count") == json(2); }));
}

TEST_CASE("a number out of a double's range gets an error response, and the daemon keeps running") {
  Daemon daemon;
  ControlClient client(daemon.socket());
  for (const std::string& line :
       std::vector<std::string>{"1e400", R"({"id": 1e400, "cmd": "status"})",
                                R"({"id": 2, "cmd": "set", "port": "p", )"
                                R"("value": [1, -1e400]})"}) {
    client.send_line(line + "\n");
    const json r = *client.next();
    CHECK(r["id"].is_null());
    CHECK(r["ok"] == false);
    CHECK(r["error"].get<std::string>().find("malformed request, a number out of range: ") == 0);
  }
  CHECK(client.call({{"cmd", "status"}})["ok"] == true);
  CHECK(daemon.running());
}

TEST_CASE("a value nested 100k deep is refused whole, in id or value, without recursion") {
  Daemon daemon;
  ControlClient client(daemon.socket());
  const std::string deep = std::string(100000, '[') + std::string(100000, ']');
  for (const std::string& line :
       std::vector<std::string>{R"({"id": )" + deep + R"(, "cmd": "status"})",
                                R"({"id": 3, "cmd": "set", "port": "p", "value": )" + deep + "}",
                                std::string(200000, '{')}) {
    client.send_line(line + "\n");
    const json r = *client.next();
    CHECK(r["id"].is_null());
    CHECK(r["error"] == "malformed request, arrays and objects nested deeper than 64 levels");
  }
  CHECK(client.call({{"cmd", "status"}})["ok"] == true);
  CHECK(daemon.running());
}

TEST_CASE("an id that is not a scalar is not echoed") {
  Daemon daemon;
  ControlClient client(daemon.socket());
  for (const std::string id : {R"([1, 2])", R"({"a": [1]})"}) {
    client.send_line(R"({"id": )" + id + R"(, "cmd": "status"})" + "\n");
    const json r = *client.next();
    CHECK(r == json({{"id", nullptr},
                     {"ok", false},
                     {"error", R"(a request's "id" is a number, a string, a boolean or null)"}}));
  }
  client.send_line(R"({"id": "x", "cmd": "status"})"
                   "\n");
  CHECK((*client.next())["id"] == "x");
}

namespace {

// Emits n ticks to counter.ticks through one pipelined connection that reads its answers.
void emit_ticks(const Daemon& daemon, int n) {
  ControlClient client(daemon.socket());
  constexpr int kBurst = 1000;
  for (int sent = 0; sent < n; sent += kBurst) {
    std::string burst;
    for (int i = 0; i < kBurst; ++i)
      burst += R"({"cmd": "emit", "port": "counter.ticks", "value": 1})"
               "\n";
    client.send_line(burst);
    int answered = 0;
    for (int i = 0; i < kBurst; ++i) answered += client.next()->value("ok", false) ? 1 : 0;
    REQUIRE(answered == kBurst);
  }
}

}  // namespace

TEST_CASE("a client that does not read is disconnected once its unsent responses hold the limit") {
  Daemon daemon({.config = "[daemon]\noutput_limit_per_client = 65536\n" +
                           std::string(kWatchNothing) + "[plugins.pulse]\n[plugins.counter]\n",
                 .plugins = {{"pulse.so", "pulse"}, {"counter.so", "counter"}}});
  ControlClient idle(daemon.socket());
  idle.send_line(R"({"id": 1, "cmd": "watch", "port": "counter.count"})"
                 "\n");
  ControlClient reader(daemon.socket());
  reader.send_line(R"({"id": 2, "cmd": "watch", "port": "counter.count"})"
                   "\n");
  // The client that reads keeps its watch, and sees the last change.
  std::int64_t last = -1;
  std::thread reading([&] {
    while (last != 30000) {
      const auto r = reader.next();
      if (!r || !(*r)["result"].is_number()) return;
      last = (*r)["result"].get<std::int64_t>();
    }
  });
  emit_ticks(daemon, 30000);
  reading.join();
  CHECK(last == 30000);
  CHECK(daemon.log_shows("disconnected: it does not read its responses (they hold "));
  CHECK(daemon.log().find("more than the 65536 one client may hold") != std::string::npos);
  CHECK(daemon.running());
}

TEST_CASE("when all clients' unsent responses hold the cap, the client holding the most goes") {
  Daemon daemon({.config = "[daemon]\noutput_limit_all_clients = 65536\n" +
                           std::string(kWatchNothing) + "[plugins.pulse]\n[plugins.counter]\n",
                 .plugins = {{"pulse.so", "pulse"}, {"counter.so", "counter"}}});
  ControlClient first(daemon.socket()), second(daemon.socket());
  first.send_line(R"({"id": 1, "cmd": "watch", "port": "counter.count"})"
                  "\n");
  second.send_line(R"({"id": 1, "cmd": "watch", "port": "counter.count"})"
                   "\n");
  emit_ticks(daemon, 30000);
  CHECK(daemon.log_shows("the unsent responses of all clients hold "));
  CHECK(daemon.log().find("more than 65536; it held the most") != std::string::npos);
  CHECK(daemon.ctl({"status"}).status == 0);
}
