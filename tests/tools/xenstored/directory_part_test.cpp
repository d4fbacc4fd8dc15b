// Directories whose listing exceeds XENSTORE_PAYLOAD_MAX: XS_DIRECTORY fails with E2BIG and
// libxenstore's xs_directory() falls back to XS_DIRECTORY_PART, which must deliver every name.
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "xs_fixture.hpp"

using namespace mirari::testing::xs;

namespace {

// Children whose names add up to more than two payloads.
std::vector<std::string> long_names() {
  std::vector<std::string> names;
  std::size_t bytes = 0;
  for (int i = 0; bytes <= 2 * XENSTORE_PAYLOAD_MAX + 100; ++i) {
    names.push_back("child-" + std::to_string(i) + "-" + std::string(90, 'x'));
    bytes += names.back().size() + 1;
  }
  return names;
}

}  // namespace

TEST_CASE("a directory longer than one payload is listed completely and in order") {
  XenstoreFixture fixture;
  Handle xs = open();
  const auto names = long_names();
  for (const auto& name : names) write(xs.get(), "/big/" + name, "");
  CHECK(directory(xs.get(), "/big") == names);
  // Short directories still come in one piece.
  CHECK(directory(xs.get(), "/local") == std::vector<std::string>{"domain"});
}

TEST_CASE("a long directory is listed completely inside a transaction") {
  XenstoreFixture fixture;
  Handle xs = open();
  const auto names = long_names();
  const xs_transaction_t tx = xs_transaction_start(xs.get());
  REQUIRE(tx != XBT_NULL);
  for (const auto& name : names) write(xs.get(), "/big/" + name, "", tx);
  CHECK(directory(xs.get(), "/big", tx) == names);
  REQUIRE(xs_transaction_end(xs.get(), tx, false));
  CHECK(directory(xs.get(), "/big") == names);
}
