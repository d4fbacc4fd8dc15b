// The server's own life: where it listens, what it refuses, what it leaves behind.
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstring>
#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>
#include <system_error>
#include <vector>

#include "xs_fixture.hpp"

using mirari::xenstored::XenstoreServer;
using namespace mirari::testing::xs;

namespace {

// What a process that died while listening leaves: a socket file nobody accepts on.
void leave_stale_socket(const std::filesystem::path& path) {
  const int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
  REQUIRE(fd >= 0);
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  std::strncpy(address.sun_path, path.c_str(), sizeof address.sun_path - 1);
  REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
  ::close(fd);
  REQUIRE(std::filesystem::is_socket(path));
}

}  // namespace

TEST_CASE("the server replaces a stale socket file and removes its socket when it goes") {
  TempDir dir;
  const auto socket = dir.path() / "xenstored.sock";
  leave_stale_socket(socket);
  {
    XenstoreServer server(socket);
    CHECK(server.socket_path() == socket);
    ::setenv("XENSTORED_PATH", socket.c_str(), 1);
    Handle xs = open();
    ::unsetenv("XENSTORED_PATH");
    CHECK(read(xs.get(), "/local") == "");
    CHECK(server.connections() == 1);
  }
  CHECK_FALSE(std::filesystem::exists(socket));
}

TEST_CASE("the server refuses a socket another server answers on, naming the path") {
  TempDir dir;
  const auto socket = dir.path() / "xenstored.sock";
  XenstoreServer first(socket);
  try {
    XenstoreServer second(socket);
    FAIL("a second server listened on " << socket);
  } catch (const std::system_error& e) {
    CHECK(e.code().value() == EADDRINUSE);
    CHECK_THAT(e.what(), Catch::Contains(socket.string()));
  }
  // The first one still serves.
  ::setenv("XENSTORED_PATH", socket.c_str(), 1);
  Handle xs = open();
  ::unsetenv("XENSTORED_PATH");
  CHECK(read(xs.get(), "/tool") == "");
}

TEST_CASE("the server throws std::system_error naming a path it cannot listen on") {
  TempDir dir;
  const auto socket = dir.path() / "missing" / "xenstored.sock";
  CHECK_THROWS_WITH(XenstoreServer(socket), Catch::Contains(socket.string()));
  CHECK_THROWS_AS(XenstoreServer(dir.path() / std::string(200, 'x')), std::system_error);
}

TEST_CASE("a server with clients connected shuts down, and the clients notice") {
  auto fixture = std::make_unique<XenstoreFixture>();
  Handle plain = open();
  Handle watching = open();
  watch(watching.get(), "/", "t");
  REQUIRE(next_event(watching.get()) == Event{"/", "t"});
  CHECK(fixture->server().connections() == 2);

  fixture.reset();
  CHECK(eventually([&] { return connection_lost(watching.get()); }));
  CHECK(read_error(plain.get(), "/") != 0);
}

TEST_CASE("nodes the server writes itself read back through libxenstore and fire watches") {
  XenstoreFixture fixture;
  Handle xs = open();
  watch(xs.get(), "/local/domain/7", "t");
  REQUIRE(next_event(xs.get()) == Event{"/local/domain/7", "t"});
  fixture.server().write({{"/local/domain/7/name", "web-7"}, {"/local/domain/7/data/load", "0.5"}});
  const std::uint64_t requests = fixture.server().requests();
  CHECK(read(xs.get(), "/local/domain/7/name") == "web-7");
  CHECK(read(xs.get(), "/local/domain/7/data/load") == "0.5");
  CHECK(fixture.server().requests() == requests + 2);
  CHECK(directory(xs.get(), "/local/domain/7") == std::vector<std::string>{"name", "data"});
  CHECK(next_event(xs.get()) == Event{"/local/domain/7/name", "t"});
  CHECK(next_event(xs.get()) == Event{"/local/domain/7/data/load", "t"});
  CHECK_FALSE(next_event(xs.get(), kQuiet));
}

TEST_CASE("a server write naming an invalid or relative path throws naming it and writes nothing") {
  XenstoreFixture fixture;
  Handle xs = open();
  CHECK_THROWS_WITH(fixture.server().write({{"/vm/a", "1"}, {"/vm//b", "2"}}),
                    Catch::Contains("'/vm//b'"));
  CHECK_THROWS_WITH(fixture.server().write({{"/vm/c", "3"}, {"data/d", "4"}}),
                    Catch::Contains("'data/d'"));
  CHECK_THROWS_AS(fixture.server().write({{"/vm/e/", "5"}}), std::invalid_argument);
  CHECK(read_error(xs.get(), "/vm") == ENOENT);
  CHECK(read_error(xs.get(), "/local/domain/0/data/d") == ENOENT);
}
