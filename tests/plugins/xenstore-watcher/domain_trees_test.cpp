// Which objects a changed XenStore node makes the watcher read again.
#include <catch2/catch.hpp>

#include "domain_trees.hpp"

using mirari::xen::objects_to_read;
using mirari::xen::parse_domid;
using Objects = std::vector<std::string>;

TEST_CASE("a change in a device's directory reads the whole device again") {
  CHECK(objects_to_read("backend/vif/5/0/state") == Objects{"backend/vif/5/0"});
  CHECK(objects_to_read("backend/vbd/7/51712/params") == Objects{"backend/vbd/7/51712"});
  CHECK(objects_to_read("backend/vif/5/0") == Objects{"backend/vif/5/0"});
  CHECK(objects_to_read("device/vif/0/state") == Objects{"device/vif/0"});
  CHECK(objects_to_read("device/vbd/51712/ring-ref") == Objects{"device/vbd/51712"});
}

TEST_CASE("a change above the devices reads everything below it") {
  CHECK(objects_to_read("backend/vif/5") == Objects{"backend/vif/5"});
  CHECK(objects_to_read("backend") == Objects{"backend/vif", "backend/vbd"});
  CHECK(objects_to_read("device") == Objects{"device/vif", "device/vbd"});
  CHECK(objects_to_read("memory") == Objects{"memory/target"});
}

TEST_CASE("a change under data/ reads only the changed node and what is below it") {
  CHECK(objects_to_read("data/load") == Objects{"data/load"});
  CHECK(objects_to_read("data/meminfo/free") == Objects{"data/meminfo/free"});
  CHECK(objects_to_read("data/meminfo") == Objects{"data/meminfo"});
  CHECK(objects_to_read("data") == Objects{"data"});
}

TEST_CASE("the domain's own keys are read alone, and unfollowed ones not at all") {
  CHECK(objects_to_read("name") == Objects{"name"});
  CHECK(objects_to_read("vm") == Objects{"vm"});
  CHECK(objects_to_read("memory/target") == Objects{"memory/target"});
  CHECK(objects_to_read("console/ring-ref").empty());
  CHECK(objects_to_read("names").empty());
  CHECK(objects_to_read("database").empty());
  CHECK(objects_to_read("backend/vkbd/5/0").empty());
}

TEST_CASE("the domain's directory itself reads the whole domain") {
  CHECK(objects_to_read("") == Objects{""});
}

TEST_CASE("domids are decimal numbers that fit 32 bits") {
  CHECK(parse_domid("0") == 0u);
  CHECK(parse_domid("32752") == 32752u);
  CHECK_FALSE(parse_domid(""));
  CHECK_FALSE(parse_domid("5a"));
  CHECK_FALSE(parse_domid("-1"));
  CHECK_FALSE(parse_domid("4294967296"));
}
