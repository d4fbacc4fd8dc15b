// The block model: uevents make it read sysfs again; one event per change, with the device
// before and after it; a change costs its own device: the version it makes shares all but
// that device's path with the one before.
#include <catch2/catch.hpp>

#include "block_model.hpp"
#include "fake_sysfs.hpp"
#include "table_sharing.hpp"

using mirari::block::BlockDevice;
using mirari::block::BlockEvent;
using mirari::block::BlockModel;
using mirari::block::Devices;
using mirari::block::parse_uevent;
using mirari::block::Sysfs;
using mirari::block::Uevent;
using mirari::testing::FakeSysfs;
using Kind = mirari::block::BlockEvent::Kind;

namespace {
Uevent uevent(const std::string& action, const std::string& name,
              const std::string& subsystem = "block") {
  return {action, "/devices/virtual/block/" + name, {{"SUBSYSTEM", subsystem}}};
}
BlockDevice loop(const std::string& name, std::uint32_t minor, std::uint64_t sectors,
                 std::optional<std::string> file = std::nullopt) {
  return {name, 7, minor, sectors * 512, false, false, std::move(file)};
}
}  // namespace

TEST_CASE("the first read takes every device in") {
  FakeSysfs tree;
  tree.add_disk("loop0", "7:0", 0);
  tree.add_disk("loop1", "7:1", 8);
  BlockModel model(Sysfs(tree.root()));
  std::vector<BlockEvent> events;
  model.read_all(events);
  CHECK(model.table() == Devices{{"loop0", loop("loop0", 0, 0)}, {"loop1", loop("loop1", 1, 8)}});
  CHECK(events.size() == 2);
}

TEST_CASE("an add is added, a change that changes something changed, one that does not nothing") {
  FakeSysfs tree;
  BlockModel model(Sysfs(tree.root()));
  std::vector<BlockEvent> events;
  tree.add_disk("loop0", "7:0", 0);
  model.apply(uevent("add", "loop0"), events);
  model.apply(uevent("change", "loop0"), events);
  tree.set("loop0", "size", "16384");
  tree.set("loop0", "loop/backing_file", "/tmp/a.img");
  model.apply(uevent("change", "loop0"), events);
  REQUIRE(events.size() == 2);
  CHECK(events[0] == BlockEvent{Kind::added, std::nullopt, loop("loop0", 0, 0)});
  CHECK(events[1] ==
        BlockEvent{Kind::changed, loop("loop0", 0, 0), loop("loop0", 0, 16384, "/tmp/a.img")});
  CHECK(model.table().at("loop0") == loop("loop0", 0, 16384, "/tmp/a.img"));
}

TEST_CASE("a remove is removed, once") {
  FakeSysfs tree;
  tree.add_disk("loop8", "7:8", 0);
  BlockModel model(Sysfs(tree.root()));
  std::vector<BlockEvent> events;
  model.read_all(events);
  events.clear();
  tree.remove("loop8");
  model.apply(uevent("remove", "loop8"), events);
  model.apply(uevent("remove", "loop8"), events);
  REQUIRE(events.size() == 1);
  CHECK(events[0] == BlockEvent{Kind::removed, loop("loop8", 8, 0), std::nullopt});
  CHECK(model.table().empty());
}

TEST_CASE("a change for a device that has left sysfs removes it") {
  FakeSysfs tree;
  tree.add_disk("loop8", "7:8", 0);
  BlockModel model(Sysfs(tree.root()));
  std::vector<BlockEvent> events;
  model.read_all(events);
  events.clear();
  tree.remove("loop8");
  model.apply(uevent("change", "loop8"), events);
  REQUIRE(events.size() == 1);
  CHECK(events[0].kind == Kind::removed);
}

TEST_CASE("a rename removes the old name and adds the new one") {
  FakeSysfs tree;
  tree.add_disk("old0", "7:0", 0);
  BlockModel model(Sysfs(tree.root()));
  std::vector<BlockEvent> events;
  model.read_all(events);
  events.clear();
  tree.remove("old0");
  tree.add_disk("new0", "7:0", 0);
  Uevent move = uevent("move", "new0");
  move.variables.emplace("DEVPATH_OLD", "/devices/virtual/block/old0");
  model.apply(move, events);
  REQUIRE(events.size() == 2);
  CHECK(events[0].kind == Kind::removed);
  CHECK(events[0].old_device->name == "old0");
  CHECK(events[1].kind == Kind::added);
  CHECK(events[1].new_device->name == "new0");
}

TEST_CASE("records of other subsystems change nothing") {
  FakeSysfs tree;
  tree.add_disk("loop0", "7:0", 0);
  BlockModel model(Sysfs(tree.root()));
  std::vector<BlockEvent> events;
  model.apply(uevent("add", "loop0", "bdi"), events);
  model.apply(*parse_uevent("add@/devices/virtual/block/loop0"), events);
  CHECK(events.empty());
  CHECK(model.table().empty());
}

TEST_CASE("only names with an included prefix are kept") {
  FakeSysfs tree;
  tree.add_disk("loop0", "7:0", 0);
  tree.add_disk("vda", "254:0", 8);
  tree.add_partition("vda", "vda1", "254:1", 4);
  tree.add_disk("sda", "8:0", 8);
  BlockModel model(Sysfs(tree.root()), {"vd", "loop"});
  std::vector<BlockEvent> events;
  model.read_all(events);
  CHECK(model.table().size() == 3);
  CHECK_FALSE(model.table().contains("sda"));
  events.clear();
  tree.set("sda", "size", "16");
  model.apply(uevent("change", "sda"), events);
  CHECK(events.empty());
  CHECK(model.includes("vda1"));
  CHECK_FALSE(model.includes("sda"));
  CHECK(BlockModel(Sysfs(tree.root())).includes("anything"));
}

TEST_CASE("reading everything again reports the differences, one event per device") {
  FakeSysfs tree;
  tree.add_disk("loop0", "7:0", 0);
  tree.add_disk("loop1", "7:1", 0);
  BlockModel model(Sysfs(tree.root()));
  std::vector<BlockEvent> events;
  model.read_all(events);
  events.clear();
  tree.remove("loop0");
  tree.set("loop1", "size", "8");
  tree.add_disk("loop2", "7:2", 0);
  model.read_all(events);
  CHECK_THAT(events, Catch::Matchers::UnorderedEquals(std::vector<BlockEvent>{
                         {Kind::removed, loop("loop0", 0, 0), std::nullopt},
                         {Kind::changed, loop("loop1", 1, 0), loop("loop1", 1, 8)},
                         {Kind::added, std::nullopt, loop("loop2", 2, 0)}}));
  CHECK(model.table() == Devices{{"loop1", loop("loop1", 1, 8)}, {"loop2", loop("loop2", 2, 0)}});
  model.read_all(events);
  CHECK(events.size() == 3);
}

TEST_CASE("a version taken from the model does not change with it") {
  FakeSysfs tree;
  tree.add_disk("loop0", "7:0", 0);
  BlockModel model(Sysfs(tree.root()));
  std::vector<BlockEvent> events;
  model.read_all(events);
  const Devices before = model.table();
  tree.set("loop0", "size", "8");
  model.apply(uevent("change", "loop0"), events);
  tree.add_disk("loop1", "7:1", 0);
  model.apply(uevent("add", "loop1"), events);
  CHECK(before == Devices{{"loop0", loop("loop0", 0, 0)}});
  CHECK(model.table() == Devices{{"loop0", loop("loop0", 0, 8)}, {"loop1", loop("loop1", 1, 0)}});
}

namespace {
constexpr int kLarge = 5000;

// A sysfs tree of kLarge loop devices, and a model that has read them.
struct Large {
  FakeSysfs tree;
  BlockModel model{Sysfs(tree.root())};
  std::vector<BlockEvent> events;
  Large() {
    for (int i = 0; i < kLarge; ++i) tree.add_disk(name(i), "7:" + std::to_string(i), 0);
    model.read_all(events);
    REQUIRE(model.table().size() == kLarge);
    events.clear();
  }
  static std::string name(int i) { return "loop" + std::to_string(i); }
};
}  // namespace

TEST_CASE("one device changing among 5000 is one event and copies only its path") {
  Large large;
  const Devices before = large.model.table();
  large.tree.set("loop1234", "size", "16");
  large.model.apply(uevent("change", "loop1234"), large.events);

  REQUIRE(large.events.size() == 1);
  CHECK(large.events[0] ==
        BlockEvent{Kind::changed, loop("loop1234", 1234, 0), loop("loop1234", 1234, 16)});
  const Devices after = large.model.table();
  CHECK(mirari::testing::changed_keys(before, after) == std::vector<std::string>{"loop1234"});
  CHECK(mirari::testing::node_count(after) > 100);
  CHECK(mirari::testing::unshared_nodes(before, after) <=
        mirari::testing::path_length(after, std::string("loop1234")));
  CHECK(before.at("loop1234").size_bytes == 0);
}

TEST_CASE("a device coming or going among 5000 is one event and one path") {
  Large large;
  const Devices before = large.model.table();
  large.tree.add_disk("vda", "254:0", 8);
  large.model.apply(uevent("add", "vda"), large.events);
  REQUIRE(large.events.size() == 1);
  CHECK(large.events[0].kind == Kind::added);
  const Devices added = large.model.table();
  CHECK(mirari::testing::changed_keys(before, added) == std::vector<std::string>{"vda"});
  CHECK(mirari::testing::unshared_nodes(before, added) <=
        mirari::testing::path_length(added, std::string("vda")));

  large.tree.remove("loop42");
  large.model.apply(uevent("remove", "loop42"), large.events);
  REQUIRE(large.events.size() == 2);
  CHECK(large.events[1] == BlockEvent{Kind::removed, loop("loop42", 42, 0), std::nullopt});
  const Devices removed = large.model.table();
  CHECK(mirari::testing::changed_keys(added, removed) == std::vector<std::string>{"loop42"});
  CHECK(mirari::testing::unshared_nodes(added, removed) <=
        mirari::testing::path_length(added, std::string("loop42")));
}

TEST_CASE("reading 5000 devices again after one changed shares all but its path") {
  Large large;
  const Devices before = large.model.table();
  large.tree.set("loop7", "size", "16");
  large.model.read_all(large.events);
  REQUIRE(large.events.size() == 1);
  CHECK(large.events[0] == BlockEvent{Kind::changed, loop("loop7", 7, 0), loop("loop7", 7, 16)});
  const Devices after = large.model.table();
  CHECK(mirari::testing::changed_keys(before, after) == std::vector<std::string>{"loop7"});
  CHECK(mirari::testing::unshared_nodes(before, after) <=
        mirari::testing::path_length(after, std::string("loop7")));
}

TEST_CASE("diff lists each difference once, whatever order the tables were built in") {
  const std::vector<std::pair<std::string, BlockDevice>> before{{"loop0", loop("loop0", 0, 0)},
                                                                {"loop1", loop("loop1", 1, 0)},
                                                                {"loop2", loop("loop2", 2, 0)}};
  const std::vector<std::pair<std::string, BlockDevice>> after{{"loop1", loop("loop1", 1, 8)},
                                                               {"loop2", loop("loop2", 2, 0)},
                                                               {"loop3", loop("loop3", 3, 0)}};
  std::vector<BlockEvent> forward;
  BlockModel::diff(Devices(before.begin(), before.end()), Devices(after.begin(), after.end()),
                   forward);
  std::vector<BlockEvent> backward;
  BlockModel::diff(Devices(before.rbegin(), before.rend()), Devices(after.rbegin(), after.rend()),
                   backward);
  CHECK(forward == backward);
  CHECK_THAT(forward, Catch::Matchers::UnorderedEquals(std::vector<BlockEvent>{
                          {Kind::removed, loop("loop0", 0, 0), std::nullopt},
                          {Kind::changed, loop("loop1", 1, 0), loop("loop1", 1, 8)},
                          {Kind::added, std::nullopt, loop("loop3", 3, 0)}}));
}
