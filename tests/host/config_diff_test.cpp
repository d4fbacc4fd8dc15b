// diff_plugins: what a re-read configuration changes in the plugin tables.
#include <catch2/catch.hpp>

#include "config_diff.hpp"

using namespace mirari::host;

namespace {

PluginTable table(const std::string& instance, const std::string& file, toml::table values = {}) {
  return PluginTable{instance, file, std::move(values), "/etc/mirari/mirarid.toml", {}, false};
}

// The plugin table [plugins.a] of a file's text.
PluginTable parsed(const std::string& text) {
  toml::table root = toml::parse(text);
  return table("a", "/p/a.so", *root["plugins"]["a"].as_table());
}

bool same(const std::string& before, const std::string& after) {
  return same_settings(parsed(before), parsed(after));
}

}  // namespace

TEST_CASE("tables that are gone, new or different are told apart") {
  DaemonConfig before, after;
  before.plugins = {table("a", "/p/a.so"), table("b", "/p/b.so", toml::table{{"k", 1}}),
                    table("c", "/p/c.so")};
  after.plugins = {table("b", "/p/b.so", toml::table{{"k", 2}}), table("c", "/p/c.so"),
                   table("d", "/p/d.so"), table("e", "/p/e.so")};
  const PluginChanges changes = diff_plugins(before, after);
  CHECK(changes.removed == std::vector<std::string>{"a"});
  CHECK(changes.changed == std::vector<std::string>{"b"});
  CHECK(changes.added == std::vector<std::string>{"d", "e"});
}

TEST_CASE("a table moved to another line, with the same settings, is no change") {
  DaemonConfig before, after;
  before.plugins = {table("a", "/p/a.so", toml::table{{"k", "v"}})};
  after.plugins = {table("a", "/p/a.so", toml::table{{"k", "v"}})};
  after.plugins[0].where.begin = {12, 1};
  CHECK(diff_plugins(before, after).empty());
}

TEST_CASE("a table naming another file is a change") {
  DaemonConfig before, after;
  before.plugins = {table("a", "/p/a.so")};
  after.plugins = {table("a", "/p/a2.so")};
  CHECK(diff_plugins(before, after).changed == std::vector<std::string>{"a"});
}

TEST_CASE("a change deep inside an array of tables is a change") {
  const std::string before = R"(
[[plugins.a.groups]]
name = "web"
template.memory = 64
[[plugins.a.groups]]
name = "db"
template.memory = 64
)";
  std::string after = before;
  after.replace(after.rfind("64"), 2, "65");
  CHECK(same(before, before));
  CHECK_FALSE(same(before, after));
  DaemonConfig b, a;
  b.plugins = {parsed(before)};
  a.plugins = {parsed(after)};
  CHECK(diff_plugins(b, a).changed == std::vector<std::string>{"a"});
}

TEST_CASE("nested values written another way, with the same values, are no change") {
  const std::string tables = R"(
[plugins.a.template]
memory = 64
disk = { size = 1.5 }
[[plugins.a.groups]]
name = "web"
sizes = [1, 2]
)";
  const std::string inline_form = R"(
[plugins.a]
groups = [ { sizes = [ 1, 2 ], name = "web" } ]
template.disk.size = 1.5
template.memory = 64
)";
  CHECK(same(tables, inline_form));
}

TEST_CASE("the order of an array of tables, an added nested key or another type is a change") {
  CHECK_FALSE(same("[[plugins.a.g]]\nn = 1\n[[plugins.a.g]]\nn = 2\n",
                   "[[plugins.a.g]]\nn = 2\n[[plugins.a.g]]\nn = 1\n"));
  CHECK_FALSE(same("[plugins.a.t]\nm = 1\n", "[plugins.a.t]\nm = 1\nk = 2\n"));
  CHECK_FALSE(same("[plugins.a.t]\nm = 1\n", "[plugins.a.t]\nm = 1.5\n"));
  CHECK_FALSE(same("[plugins.a]\nw = [1, 2]\n", "[plugins.a]\nw = [1, 2, 3]\n"));
}
