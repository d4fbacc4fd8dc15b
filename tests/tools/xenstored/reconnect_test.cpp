// Connections the server closes, as a restarting xenstored would (drop_connections()) or on a
// client's XS_CONTROL "drop-connections": the clients' next requests fail, the store stays.
#include <catch2/catch.hpp>
#include <cerrno>
#include <cstdlib>
#include <memory>
#include <string>

#include "xs_fixture.hpp"

using namespace mirari::testing::xs;

namespace {

// The reply of xs_control_command, or "" when it failed.
std::string control(xs_handle* xs, const std::string& command) {
  std::unique_ptr<char, decltype(&std::free)> reply(
      xs_control_command(xs, command.c_str(), nullptr, 0), &std::free);
  return reply ? std::string(reply.get()) : std::string();
}

}  // namespace

TEST_CASE("after drop_connections a client's next request fails and a new one sees the data") {
  XenstoreFixture fixture;
  Handle xs = open();
  write(xs.get(), "/vm/state", "running");
  REQUIRE(fixture.server().connections() == 1);

  fixture.server().drop_connections();
  CHECK(fixture.server().connections() == 0);
  CHECK(read_error(xs.get(), "/vm/state") != 0);

  Handle again = open();
  CHECK(read(again.get(), "/vm/state") == "running");
  CHECK(fixture.server().rejected_messages() == 0);
}

TEST_CASE("a watching client notices the dropped connection and closes cleanly") {
  XenstoreFixture fixture;
  Handle xs = open();
  watch(xs.get(), "/vm", "t");
  REQUIRE(next_event(xs.get()) == Event{"/vm", "t"});

  fixture.server().drop_connections();
  // libxenstore's reader thread sees the end and closes the socket; requests then fail.
  REQUIRE(eventually([&] { return connection_lost(xs.get()); }));
  CHECK(read_error(xs.get(), "/vm") != 0);

  // The watch went with the connection: a new one gets only what it asks for.
  Handle again = open();
  Handle writer = open();
  watch(again.get(), "/other", "u");
  REQUIRE(next_event(again.get()) == Event{"/other", "u"});
  write(writer.get(), "/vm/x", "1");
  CHECK(next_event(again.get(), kQuiet) == std::nullopt);
}

TEST_CASE("dropping connections aborts their transactions") {
  XenstoreFixture fixture;
  Handle xs = open();
  const xs_transaction_t tx = xs_transaction_start(xs.get());
  REQUIRE(tx != XBT_NULL);
  write(xs.get(), "/vm/pending", "1", tx);
  fixture.server().drop_connections();
  CHECK_FALSE(xs_transaction_end(xs.get(), tx, false));
  Handle again = open();
  CHECK(read_error(again.get(), "/vm/pending") == ENOENT);
}

TEST_CASE("XS_CONTROL drop-connections closes every connection but the requester's") {
  XenstoreFixture fixture;
  Handle requester = open();
  Handle other = open();
  Handle watcher = open();
  write(requester.get(), "/vm/state", "running");
  watch(watcher.get(), "/vm", "t");
  REQUIRE(next_event(watcher.get()) == Event{"/vm", "t"});

  CHECK(control(requester.get(), "drop-connections") == "OK");
  CHECK(eventually([&] { return fixture.server().connections() == 1; }));
  CHECK(read_error(other.get(), "/vm/state") != 0);
  REQUIRE(eventually([&] { return connection_lost(watcher.get()); }));
  CHECK(read_error(watcher.get(), "/vm/state") != 0);
  CHECK(read(requester.get(), "/vm/state") == "running");

  Handle again = open();
  CHECK(read(again.get(), "/vm/state") == "running");
}

TEST_CASE("an unknown control command fails with EINVAL") {
  XenstoreFixture fixture;
  Handle xs = open();
  errno = 0;
  CHECK(control(xs.get(), "no-such-command").empty());
  CHECK(errno == EINVAL);
  CHECK(read(xs.get(), "/local") == "");
}
