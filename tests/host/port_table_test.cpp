// README.md's table of stock ports is what the stock plugins declare: scripts/port-table
// --check runs the real mirarid --port-table over the built plugins and compares.
#include <catch2/catch.hpp>

#include <filesystem>
#include <string>

#include "daemon.hpp"
#include "port_table.hpp"

namespace fs = std::filesystem;
using mirari::test::TempDir;
using nlohmann::json;

namespace {

const std::string kScript = std::string(MIRARI_SOURCE_DIR) + "/scripts/port-table";

mirari::test::Run check_readme(const fs::path& readme, const fs::path& scratch) {
  return mirari::test::run({kScript, "--check", "--readme", readme.string(), MIRARI_BUILD_DIR},
                           scratch);
}

}  // namespace

TEST_CASE("README.md's port table is what the stock plugins and policies declare") {
  TempDir dir;
  auto r = check_readme(fs::path(MIRARI_SOURCE_DIR) / "README.md", dir.path());
  INFO(r.err);
  CHECK(r.status == 0);
}

TEST_CASE("a README whose port table differs is refused, saying how to regenerate it") {
  TempDir dir;
  std::string text = mirari::test::read_file(fs::path(MIRARI_SOURCE_DIR) / "README.md");
  const auto row = text.find("| `net.links` |");
  REQUIRE(row != std::string::npos);
  text.insert(row, "| `net.old_links` | table | `int32` | net-watcher |  | gone |\n");
  const fs::path readme = dir.path() / "README.md";
  mirari::test::write_file(readme, text);

  auto r = check_readme(readme, dir.path());
  CHECK(r.status == 1);
  CHECK(r.out.find("-| `net.old_links` |") != std::string::npos);
  CHECK(r.err.find("differs from what the plugins declare; regenerate it with: "
                   "scripts/port-table ") != std::string::npos);

  // Regenerating puts it right.
  auto fixed =
      mirari::test::run({kScript, "--readme", readme.string(), MIRARI_BUILD_DIR}, dir.path());
  CHECK(fixed.status == 0);
  CHECK(check_readme(readme, dir.path()).status == 0);
}

TEST_CASE("two plugins that declare one port with different types make no table") {
  const json a = json::parse(R"({"plugin": "a", "ports": [{"name": "p", "kind": "signal",
      "type": "int32", "direction": "publishes", "meaning": "m"}]})");
  const json b = json::parse(R"({"plugin": "b", "ports": [{"name": "p", "kind": "table",
      "type": "table<string,float64>", "direction": "subscribes", "meaning": "m"}]})");
  CHECK_THROWS_WITH(mirari::host::port_table_markdown({a, b}),
                    "port 'p' is a signal of int32 for a but a table of "
                    "table<string,float64> for b");
}

TEST_CASE("a port's row lists its plugins and its publisher's meaning") {
  const json sub = json::parse(R"({"plugin": "s", "ports": [{"name": "{x}", "default_name": "p",
      "kind": "signal", "type": "int32", "direction": "subscribes", "meaning": "read | used"}]})");
  const json pub = json::parse(R"({"plugin": "q", "ports": [{"name": "p", "kind": "signal",
      "type": "int32", "direction": "publishes", "meaning": "written"}]})");
  CHECK(mirari::host::port_table_markdown({sub, pub}) ==
        "| Port | Kind | Type | Published by | Subscribed by | Meaning |\n"
        "|---|---|---|---|---|---|\n"
        "| `p` | signal | `int32` | q | s | written |\n");
  CHECK(mirari::host::port_table_markdown({sub}).find("| read \\| used |") != std::string::npos);
}
