// Reading, writing, listing and removing nodes through the real libxenstore.
#include <catch2/catch.hpp>
#include <cerrno>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "xs_fixture.hpp"

using namespace mirari::testing::xs;
using Names = std::vector<std::string>;

TEST_CASE("a fresh store holds /local/domain and /tool, like a fresh xenstored") {
  XenstoreFixture fixture;
  Handle xs = open();
  CHECK(directory(xs.get(), "/") == Names{"local", "tool"});
  CHECK(directory(xs.get(), "/local") == Names{"domain"});
  CHECK(read(xs.get(), "/tool") == "");
}

TEST_CASE("a written value reads back, and its missing parents exist with empty values") {
  XenstoreFixture fixture;
  Handle xs = open();
  write(xs.get(), "/vm/web/name", "web");
  CHECK(read(xs.get(), "/vm/web/name") == "web");
  CHECK(read(xs.get(), "/vm/web") == "");
  CHECK(directory(xs.get(), "/vm") == Names{"web"});
  write(xs.get(), "/vm/web/name", "web-2");
  CHECK(read(xs.get(), "/vm/web/name") == "web-2");
}

TEST_CASE("values are octet strings: NULs are kept and nothing is appended") {
  XenstoreFixture fixture;
  Handle xs = open();
  const std::string value("a\0b", 3);
  write(xs.get(), "/binary", value);
  CHECK(read(xs.get(), "/binary") == value);
  write(xs.get(), "/empty", "");
  CHECK(read(xs.get(), "/empty") == "");
}

TEST_CASE("a directory lists children in the order they were created") {
  XenstoreFixture fixture;
  Handle xs = open();
  write(xs.get(), "/d/zeta", "1");
  REQUIRE(xs_mkdir(xs.get(), XBT_NULL, "/d/alpha"));
  write(xs.get(), "/d/mu", "2");
  CHECK(directory(xs.get(), "/d") == Names{"zeta", "alpha", "mu"});
  CHECK(directory(xs.get(), "/d/alpha").empty());
}

TEST_CASE("mkdir creates an empty node and leaves an existing one as it is") {
  XenstoreFixture fixture;
  Handle xs = open();
  REQUIRE(xs_mkdir(xs.get(), XBT_NULL, "/a/b/c"));
  CHECK(read(xs.get(), "/a/b/c") == "");
  CHECK(directory(xs.get(), "/a") == Names{"b"});
  write(xs.get(), "/a/b", "kept");
  REQUIRE(xs_mkdir(xs.get(), XBT_NULL, "/a/b"));
  CHECK(read(xs.get(), "/a/b") == "kept");
  CHECK(directory(xs.get(), "/a/b") == Names{"c"});
}

TEST_CASE("reading or listing a missing node fails with ENOENT") {
  XenstoreFixture fixture;
  Handle xs = open();
  CHECK(read_error(xs.get(), "/missing") == ENOENT);
  CHECK(directory_error(xs.get(), "/missing") == ENOENT);
  CHECK(read_error(xs.get(), "/local/missing/deeper") == ENOENT);
  // The connection is still usable after errors.
  CHECK(read(xs.get(), "/local") == "");
}

TEST_CASE("rm removes the node with everything below it") {
  XenstoreFixture fixture;
  Handle xs = open();
  write(xs.get(), "/vm/web/name", "web");
  write(xs.get(), "/vm/web/disk/0", "xvda");
  write(xs.get(), "/vm/db/name", "db");
  REQUIRE(xs_rm(xs.get(), XBT_NULL, "/vm/web"));
  CHECK(read_error(xs.get(), "/vm/web") == ENOENT);
  CHECK(read_error(xs.get(), "/vm/web/disk/0") == ENOENT);
  CHECK(directory(xs.get(), "/vm") == Names{"db"});
  CHECK(read(xs.get(), "/vm/db/name") == "db");
}

TEST_CASE("rm of a missing node succeeds when its parent exists, else fails with ENOENT") {
  XenstoreFixture fixture;
  Handle xs = open();
  CHECK(xs_rm(xs.get(), XBT_NULL, "/local/missing"));
  errno = 0;
  CHECK_FALSE(xs_rm(xs.get(), XBT_NULL, "/missing/child"));
  CHECK(errno == ENOENT);
}

TEST_CASE("a recreated child moves to the end of its parent's list") {
  XenstoreFixture fixture;
  Handle xs = open();
  write(xs.get(), "/d/a", "");
  write(xs.get(), "/d/b", "");
  REQUIRE(xs_rm(xs.get(), XBT_NULL, "/d/a"));
  write(xs.get(), "/d/a", "");
  CHECK(directory(xs.get(), "/d") == Names{"b", "a"});
}

TEST_CASE("relative paths are below dom0's home, /local/domain/0") {
  XenstoreFixture fixture;
  Handle xs = open();
  write(xs.get(), "data/x", "1");
  CHECK(read(xs.get(), "/local/domain/0/data/x") == "1");
  CHECK(read(xs.get(), "data/x") == "1");
  std::unique_ptr<char, decltype(&std::free)> home(xs_get_domain_path(xs.get(), 7), &std::free);
  REQUIRE(home);
  CHECK(std::string(home.get()) == "/local/domain/7");
}

TEST_CASE("malformed paths fail with EINVAL") {
  XenstoreFixture fixture;
  Handle xs = open();
  const std::string too_long = "/" + std::string(3100, 'a');
  for (const std::string path : {"/a//b", "/a/", "/a b", "/a\tb", "@other", too_long.c_str()}) {
    INFO(path.substr(0, 20));
    CHECK(read_error(xs.get(), path) == EINVAL);
  }
  errno = 0;
  CHECK_FALSE(xs_write(xs.get(), XBT_NULL, "/a/", "x", 1));
  CHECK(errno == EINVAL);
  CHECK(read_error(xs.get(), "/a") == ENOENT);
}

TEST_CASE("permissions are stored and reported but every connection may do everything") {
  XenstoreFixture fixture;
  Handle xs = open();
  write(xs.get(), "/p/child", "x");
  unsigned int count = 0;
  std::unique_ptr<xs_permissions, decltype(&std::free)> perms(
      xs_get_permissions(xs.get(), XBT_NULL, "/p", &count), &std::free);
  REQUIRE(perms);
  REQUIRE(count == 1);
  CHECK(perms.get()[0].id == 0);
  CHECK(perms.get()[0].perms == XS_PERM_NONE);

  xs_permissions set[] = {{3, XS_PERM_NONE}, {5, XS_PERM_READ}};
  REQUIRE(xs_set_permissions(xs.get(), XBT_NULL, "/p", set, 2));
  perms.reset(xs_get_permissions(xs.get(), XBT_NULL, "/p", &count));
  REQUIRE(perms);
  REQUIRE(count == 2);
  CHECK(perms.get()[0].id == 3);
  CHECK(perms.get()[1].id == 5);
  CHECK(perms.get()[1].perms == XS_PERM_READ);
  // Owned by dom3 and unreadable to others, yet readable and writable here.
  CHECK(read(xs.get(), "/p") == "");
  write(xs.get(), "/p", "still writable");
  // A node created below takes its parent's permissions.
  write(xs.get(), "/p/new", "x");
  perms.reset(xs_get_permissions(xs.get(), XBT_NULL, "/p/new", &count));
  REQUIRE(perms);
  CHECK(count == 2);
  CHECK(perms.get()[0].id == 3);
}
