// diff_plugins: what a re-read configuration changes in the plugin tables.
#include <catch2/catch.hpp>

#include "config_diff.hpp"

using namespace mirari::host;

namespace {

PluginTable table(const std::string& instance, const std::string& file, toml::table values = {}) {
  return PluginTable{instance, file, std::move(values), "/etc/mirari/mirarid.toml", {}};
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
