// Watches through the real libxenstore, read both as an event loop reads them (xs_fileno(),
// poll(), xs_check_watch()) and with the blocking xs_read_watch().
#include <catch2/catch.hpp>
#include <cerrno>

#include "xs_fixture.hpp"

using namespace mirari::testing::xs;

TEST_CASE("a new watch fires once at once, with its own path") {
  XenstoreFixture fixture;
  Handle xs = open();
  watch(xs.get(), "/vm", "token-1");
  CHECK(read_watch(xs.get()) == Event{"/vm", "token-1"});
  CHECK(next_event(xs.get(), kQuiet) == std::nullopt);
}

TEST_CASE("a write at or below a watched path fires with the written path") {
  XenstoreFixture fixture;
  Handle xs = open();
  Handle writer = open();
  watch(xs.get(), "/vm", "t");
  REQUIRE(next_event(xs.get()) == Event{"/vm", "t"});

  write(writer.get(), "/vm/web/state", "running");
  CHECK(next_event(xs.get()) == Event{"/vm/web/state", "t"});
  write(writer.get(), "/vm", "");
  CHECK(next_event(xs.get()) == Event{"/vm", "t"});
  // The blocking read sees the same events.
  write(writer.get(), "/vm/db", "x");
  CHECK(read_watch(xs.get()) == Event{"/vm/db", "t"});
  CHECK(next_event(xs.get(), kQuiet) == std::nullopt);
}

TEST_CASE("a connection's own writes fire its watches") {
  XenstoreFixture fixture;
  Handle xs = open();
  watch(xs.get(), "/vm", "t");
  REQUIRE(next_event(xs.get()) == Event{"/vm", "t"});
  write(xs.get(), "/vm/a", "1");
  CHECK(next_event(xs.get()) == Event{"/vm/a", "t"});
}

TEST_CASE("a change to a sibling or a parent path fires nothing") {
  XenstoreFixture fixture;
  Handle xs = open();
  Handle writer = open();
  write(writer.get(), "/vm/web", "");
  watch(xs.get(), "/vm/web", "t");
  REQUIRE(next_event(xs.get()) == Event{"/vm/web", "t"});

  write(writer.get(), "/vm/webserver", "x");  // shares a prefix, but is no child
  write(writer.get(), "/vm/db/name", "db");
  write(writer.get(), "/vm", "x");
  CHECK(next_event(xs.get(), kQuiet) == std::nullopt);
}

TEST_CASE("mkdir fires only when it creates the node") {
  XenstoreFixture fixture;
  Handle xs = open();
  Handle writer = open();
  watch(xs.get(), "/vm", "t");
  REQUIRE(next_event(xs.get()) == Event{"/vm", "t"});
  REQUIRE(xs_mkdir(writer.get(), XBT_NULL, "/vm/new"));
  CHECK(next_event(xs.get()) == Event{"/vm/new", "t"});
  REQUIRE(xs_mkdir(writer.get(), XBT_NULL, "/vm/new"));
  CHECK(next_event(xs.get(), kQuiet) == std::nullopt);
}

TEST_CASE("rm fires watches on the node, above it, and below it with their own paths") {
  XenstoreFixture fixture;
  Handle xs = open();
  Handle writer = open();
  write(writer.get(), "/vm/web/disk/0", "xvda");
  watch(xs.get(), "/vm", "above");
  REQUIRE(next_event(xs.get()) == Event{"/vm", "above"});
  watch(xs.get(), "/vm/web", "at");
  REQUIRE(next_event(xs.get()) == Event{"/vm/web", "at"});
  watch(xs.get(), "/vm/web/disk/0", "below");
  REQUIRE(next_event(xs.get()) == Event{"/vm/web/disk/0", "below"});

  REQUIRE(xs_rm(writer.get(), XBT_NULL, "/vm/web"));
  CHECK(next_event(xs.get()) == Event{"/vm/web", "above"});
  CHECK(next_event(xs.get()) == Event{"/vm/web", "at"});
  CHECK(next_event(xs.get()) == Event{"/vm/web/disk/0", "below"});
  CHECK(next_event(xs.get(), kQuiet) == std::nullopt);

  // Removing what is not there changes nothing and fires nothing.
  REQUIRE(xs_rm(writer.get(), XBT_NULL, "/vm/web"));
  CHECK(next_event(xs.get(), kQuiet) == std::nullopt);
}

TEST_CASE("unwatch stops the events of that watch only") {
  XenstoreFixture fixture;
  Handle xs = open();
  Handle writer = open();
  watch(xs.get(), "/vm", "one");
  REQUIRE(next_event(xs.get()) == Event{"/vm", "one"});
  watch(xs.get(), "/vm", "two");
  REQUIRE(next_event(xs.get()) == Event{"/vm", "two"});

  REQUIRE(xs_unwatch(xs.get(), "/vm", "one"));
  write(writer.get(), "/vm/a", "1");
  CHECK(next_event(xs.get()) == Event{"/vm/a", "two"});
  CHECK(next_event(xs.get(), kQuiet) == std::nullopt);

  errno = 0;
  CHECK_FALSE(xs_unwatch(xs.get(), "/vm", "one"));
  CHECK(errno == ENOENT);
}

TEST_CASE("setting the same watch twice fails with EEXIST") {
  XenstoreFixture fixture;
  Handle xs = open();
  watch(xs.get(), "/vm", "t");
  errno = 0;
  CHECK_FALSE(xs_watch(xs.get(), "/vm", "t"));
  CHECK(errno == EEXIST);
}

TEST_CASE("two connections watching one path both get each event") {
  XenstoreFixture fixture;
  Handle first = open();
  Handle second = open();
  Handle writer = open();
  watch(first.get(), "/vm", "first");
  REQUIRE(next_event(first.get()) == Event{"/vm", "first"});
  watch(second.get(), "/vm", "second");
  REQUIRE(next_event(second.get()) == Event{"/vm", "second"});

  write(writer.get(), "/vm/a", "1");
  CHECK(next_event(first.get()) == Event{"/vm/a", "first"});
  CHECK(next_event(second.get()) == Event{"/vm/a", "second"});
}

TEST_CASE("a watch set with a relative path gets relative event paths") {
  XenstoreFixture fixture;
  Handle xs = open();
  Handle writer = open();
  watch(xs.get(), "device", "t");
  REQUIRE(next_event(xs.get()) == Event{"device", "t"});
  write(writer.get(), "/local/domain/0/device/vif/0", "x");
  CHECK(next_event(xs.get()) == Event{"device/vif/0", "t"});
}

TEST_CASE("@introduceDomain and @releaseDomain fire on introduce and release") {
  XenstoreFixture fixture;
  Handle xs = open();
  Handle toolstack = open();
  watch(xs.get(), "@introduceDomain", "in");
  REQUIRE(next_event(xs.get()) == Event{"@introduceDomain", "in"});
  watch(xs.get(), "@releaseDomain", "out");
  REQUIRE(next_event(xs.get()) == Event{"@releaseDomain", "out"});
  watch(xs.get(), "/", "root");
  REQUIRE(next_event(xs.get()) == Event{"/", "root"});

  CHECK(xs_is_domain_introduced(toolstack.get(), 0));
  CHECK_FALSE(xs_is_domain_introduced(toolstack.get(), 5));
  REQUIRE(xs_introduce_domain(toolstack.get(), 5, 1234, 7));
  CHECK(next_event(xs.get()) == Event{"@introduceDomain", "in"});
  CHECK(xs_is_domain_introduced(toolstack.get(), 5));

  REQUIRE(xs_release_domain(toolstack.get(), 5));
  CHECK(next_event(xs.get()) == Event{"@releaseDomain", "out"});
  CHECK_FALSE(xs_is_domain_introduced(toolstack.get(), 5));
  // Special events are no paths: the watch on / saw none of them.
  CHECK(next_event(xs.get(), kQuiet) == std::nullopt);

  errno = 0;
  CHECK_FALSE(xs_release_domain(toolstack.get(), 5));
  CHECK(errno == ENOENT);
}
