// Transactions through the real libxenstore: isolation until commit, abort, and optimistic
// commit that fails with EAGAIN when another connection changed what the transaction used.
#include <catch2/catch.hpp>
#include <cerrno>
#include <string>
#include <vector>

#include "xs_fixture.hpp"

using namespace mirari::testing::xs;
using Names = std::vector<std::string>;

namespace {

xs_transaction_t start(xs_handle* xs) {
  const xs_transaction_t tx = xs_transaction_start(xs);
  REQUIRE(tx != XBT_NULL);
  return tx;
}

// errno of a failed commit, 0 when it succeeded.
int commit_error(xs_handle* xs, xs_transaction_t tx) {
  errno = 0;
  return xs_transaction_end(xs, tx, false) ? 0 : errno;
}

}  // namespace

TEST_CASE("writes in a transaction are invisible to other connections until commit") {
  XenstoreFixture fixture;
  Handle xs = open();
  Handle other = open();
  write(xs.get(), "/vm/state", "old");

  const xs_transaction_t tx = start(xs.get());
  write(xs.get(), "/vm/state", "new", tx);
  write(xs.get(), "/vm/extra/x", "1", tx);
  CHECK(read(xs.get(), "/vm/state", tx) == "new");
  CHECK(directory(xs.get(), "/vm", tx) == Names{"state", "extra"});
  CHECK(read(other.get(), "/vm/state") == "old");
  CHECK(read(xs.get(), "/vm/state") == "old");
  CHECK(read_error(other.get(), "/vm/extra") == ENOENT);

  REQUIRE(commit_error(xs.get(), tx) == 0);
  CHECK(read(other.get(), "/vm/state") == "new");
  CHECK(read(other.get(), "/vm/extra/x") == "1");
}

TEST_CASE("a transaction sees the store as it was when it started") {
  XenstoreFixture fixture;
  Handle xs = open();
  Handle other = open();
  write(xs.get(), "/vm/state", "old");
  const xs_transaction_t tx = start(xs.get());
  write(other.get(), "/vm/state", "changed");
  CHECK(read(xs.get(), "/vm/state", tx) == "old");
  REQUIRE(xs_transaction_end(xs.get(), tx, true));
}

TEST_CASE("a transaction does not see nodes others created or removed after it started") {
  XenstoreFixture fixture;
  Handle xs = open();
  Handle other = open();
  write(xs.get(), "/vm/gone", "here");
  const xs_transaction_t tx = start(xs.get());
  write(other.get(), "/vm/new", "1");
  REQUIRE(xs_rm(other.get(), XBT_NULL, "/vm/gone"));
  CHECK(read_error(xs.get(), "/vm/new", tx) == ENOENT);
  CHECK(read(xs.get(), "/vm/gone", tx) == "here");
  CHECK(directory(xs.get(), "/vm", tx) == Names{"gone"});
  CHECK(commit_error(xs.get(), tx) == EAGAIN);
  CHECK(directory(other.get(), "/vm") == Names{"new"});
}

TEST_CASE("transactions started at different times each see the store of their start") {
  XenstoreFixture fixture;
  Handle first = open();
  Handle second = open();
  Handle other = open();
  write(other.get(), "/vm/state", "0");
  const xs_transaction_t early = start(first.get());
  write(other.get(), "/vm/state", "1");
  const xs_transaction_t late = start(second.get());
  write(other.get(), "/vm/state", "2");
  CHECK(read(first.get(), "/vm/state", early) == "0");
  CHECK(read(second.get(), "/vm/state", late) == "1");
  write(second.get(), "/vm/state", "mine", late);
  CHECK(read(second.get(), "/vm/state", late) == "mine");
  CHECK(read(other.get(), "/vm/state") == "2");
  REQUIRE(xs_transaction_end(first.get(), early, true));
  REQUIRE(xs_transaction_end(second.get(), late, true));
}

TEST_CASE("an aborted transaction changes nothing") {
  XenstoreFixture fixture;
  Handle xs = open();
  write(xs.get(), "/vm/state", "old");
  const xs_transaction_t tx = start(xs.get());
  write(xs.get(), "/vm/state", "new", tx);
  REQUIRE(xs_rm(xs.get(), tx, "/vm"));
  REQUIRE(xs_transaction_end(xs.get(), tx, true));
  CHECK(read(xs.get(), "/vm/state") == "old");
  // The transaction is gone.
  CHECK(read_error(xs.get(), "/vm/state", tx) == ENOENT);
}

TEST_CASE("a commit after a conflicting write fails with EAGAIN and applies nothing") {
  XenstoreFixture fixture;
  Handle xs = open();
  Handle other = open();
  write(xs.get(), "/vm/state", "old");

  const xs_transaction_t tx = start(xs.get());
  write(xs.get(), "/vm/state", "mine", tx);
  write(xs.get(), "/vm/also", "mine", tx);
  write(other.get(), "/vm/state", "theirs");

  CHECK(commit_error(xs.get(), tx) == EAGAIN);
  CHECK(read(xs.get(), "/vm/state") == "theirs");
  CHECK(read_error(xs.get(), "/vm/also") == ENOENT);
}

TEST_CASE("a read-only transaction fails with EAGAIN when a node it read changed") {
  XenstoreFixture fixture;
  Handle xs = open();
  Handle other = open();
  write(xs.get(), "/vm/state", "old");
  const xs_transaction_t tx = start(xs.get());
  CHECK(read(xs.get(), "/vm/state", tx) == "old");
  write(other.get(), "/vm/state", "new");
  CHECK(commit_error(xs.get(), tx) == EAGAIN);
}

TEST_CASE("a transaction fails with EAGAIN when a node it found missing appeared") {
  XenstoreFixture fixture;
  Handle xs = open();
  Handle other = open();
  const xs_transaction_t tx = start(xs.get());
  CHECK(read_error(xs.get(), "/vm/lock", tx) == ENOENT);
  write(other.get(), "/vm/lock", "taken");
  CHECK(commit_error(xs.get(), tx) == EAGAIN);
}

TEST_CASE("a transaction fails with EAGAIN when a directory it listed gained a child") {
  XenstoreFixture fixture;
  Handle xs = open();
  Handle other = open();
  write(xs.get(), "/vm/a", "");
  const xs_transaction_t tx = start(xs.get());
  CHECK(directory(xs.get(), "/vm", tx) == Names{"a"});
  write(other.get(), "/vm/b", "");
  CHECK(commit_error(xs.get(), tx) == EAGAIN);
}

TEST_CASE("a transaction commits when others changed only nodes it did not use") {
  XenstoreFixture fixture;
  Handle xs = open();
  Handle other = open();
  write(xs.get(), "/vm/web/state", "old");
  write(xs.get(), "/vm/db/state", "old");
  const xs_transaction_t tx = start(xs.get());
  CHECK(read(xs.get(), "/vm/web/state", tx) == "old");
  write(xs.get(), "/vm/web/state", "new", tx);
  write(other.get(), "/vm/db/state", "theirs");
  CHECK(commit_error(xs.get(), tx) == 0);
  CHECK(read(other.get(), "/vm/web/state") == "new");
  CHECK(read(other.get(), "/vm/db/state") == "theirs");
}

TEST_CASE("watches fire at commit, not before, and not for an aborted transaction") {
  XenstoreFixture fixture;
  Handle xs = open();
  Handle watcher = open();
  watch(watcher.get(), "/vm", "t");
  REQUIRE(next_event(watcher.get()) == Event{"/vm", "t"});

  xs_transaction_t tx = start(xs.get());
  write(xs.get(), "/vm/a", "1", tx);
  write(xs.get(), "/vm/b", "2", tx);
  write(xs.get(), "/vm/a", "3", tx);
  CHECK(next_event(watcher.get(), kQuiet) == std::nullopt);
  REQUIRE(commit_error(xs.get(), tx) == 0);
  // One event for each changed path, in the order first changed.
  CHECK(next_event(watcher.get()) == Event{"/vm/a", "t"});
  CHECK(next_event(watcher.get()) == Event{"/vm/b", "t"});
  CHECK(next_event(watcher.get(), kQuiet) == std::nullopt);

  tx = start(xs.get());
  write(xs.get(), "/vm/c", "3", tx);
  REQUIRE(xs_transaction_end(xs.get(), tx, true));
  CHECK(next_event(watcher.get(), kQuiet) == std::nullopt);
}

TEST_CASE("ending or using a transaction that is not open fails with ENOENT") {
  XenstoreFixture fixture;
  Handle xs = open();
  Handle other = open();
  errno = 0;
  CHECK_FALSE(xs_transaction_end(xs.get(), 4242, false));
  CHECK(errno == ENOENT);

  // A transaction belongs to the connection that started it.
  const xs_transaction_t tx = start(xs.get());
  CHECK(read_error(other.get(), "/local", tx) == ENOENT);
  CHECK(read(xs.get(), "/local", tx) == "");
}
