// Entering a named network namespace for the length of one function, on a thread of its own.
#include <sys/stat.h>

#include <catch2/catch.hpp>

#include <cstdio>
#include <fstream>
#include <stdexcept>

#include "netns.hpp"
#include "rtnetlink/netns.hpp"

using mirari::rtnetlink::in_netns;
using mirari::rtnetlink::NetnsError;
using mirari::testing::NetworkNamespace;

namespace {
ino_t inode_of(const std::string& path) {
  struct stat s {};
  REQUIRE(::stat(path.c_str(), &s) == 0);
  return s.st_ino;
}
ino_t current_netns() {
  return inode_of("/proc/thread-self/ns/net");
}
}  // namespace

TEST_CASE("the function runs inside the named namespace and the caller stays outside") {
  NetworkNamespace ns;
  const ino_t outside = current_netns();
  ino_t inside = 0;
  in_netns(ns.name(), [&] { inside = current_netns(); });
  CHECK(inside == inode_of("/var/run/netns/" + ns.name()));
  CHECK(inside != outside);
  CHECK(current_netns() == outside);
}

TEST_CASE("an empty name runs the function in the caller's namespace") {
  ino_t inside = 0;
  in_netns("", [&] { inside = current_netns(); });
  CHECK(inside == current_netns());
}

TEST_CASE("what the function throws reaches the caller") {
  NetworkNamespace ns;
  CHECK_THROWS_WITH(in_netns(ns.name(), [] { throw std::runtime_error("inside"); }), "inside");
}

TEST_CASE("names that are missing, not namespaces or paths are refused before running") {
  bool ran = false;
  auto run = [&] { ran = true; };
  CHECK_THROWS_MATCHES(in_netns("mirari-test-missing", run), NetnsError,
                       Catch::Message("network namespace 'mirari-test-missing' "
                                      "(/var/run/netns/mirari-test-missing): no such namespace"));
  CHECK_THROWS_MATCHES(in_netns("../../proc/self/ns/net", run), NetnsError,
                       Catch::Message("'../../proc/self/ns/net' is not a network namespace name"));

  NetworkNamespace ns;  // makes sure the directory exists
  const std::string plain = "/var/run/netns/mirari-test-plain-file-" + std::to_string(::getpid());
  std::ofstream(plain).put('x');
  struct Remove {
    std::string path;
    ~Remove() { std::remove(path.c_str()); }
  } remove{plain};
  CHECK_THROWS_WITH(in_netns(plain.substr(plain.rfind('/') + 1), run),
                    Catch::Contains("not a network namespace"));
  CHECK_FALSE(ran);
}
