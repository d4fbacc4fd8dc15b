// The block model: uevents make it read sysfs again; one event per change, with the device
// before and after it.
#include <catch2/catch.hpp>

#include "block_model.hpp"
#include "fake_sysfs.hpp"

using mirari::block::BlockDevice;
using mirari::block::BlockEvent;
using mirari::block::BlockModel;
using mirari::block::BlockTable;
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
  CHECK(model.table() ==
        BlockTable{{"loop0", loop("loop0", 0, 0)}, {"loop1", loop("loop1", 1, 8)}});
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
  CHECK(model.table().count("sda") == 0);
  events.clear();
  tree.set("sda", "size", "16");
  model.apply(uevent("change", "sda"), events);
  CHECK(events.empty());
  CHECK(model.includes("vda1"));
  CHECK_FALSE(model.includes("sda"));
  CHECK(BlockModel(Sysfs(tree.root())).includes("anything"));
}

TEST_CASE("reading everything again reports the differences, in name order") {
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
  REQUIRE(events.size() == 3);
  CHECK(events[0] == BlockEvent{Kind::removed, loop("loop0", 0, 0), std::nullopt});
  CHECK(events[1] == BlockEvent{Kind::changed, loop("loop1", 1, 0), loop("loop1", 1, 8)});
  CHECK(events[2] == BlockEvent{Kind::added, std::nullopt, loop("loop2", 2, 0)});
  model.read_all(events);
  CHECK(events.size() == 3);
}
