// Reading block devices from a sysfs tree: every attribute, partitions, and devices that
// are gone or half there.
#include <catch2/catch.hpp>

#include "fake_sysfs.hpp"
#include "sysfs.hpp"

using mirari::block::BlockDevice;
using mirari::block::Sysfs;
using mirari::testing::FakeSysfs;

TEST_CASE("a device's attributes are read, its size in bytes") {
  FakeSysfs tree;
  tree.add_disk("sda", "8:0", 2048, true);
  tree.set("sda", "ro", "1");
  const std::optional<BlockDevice> sda = Sysfs(tree.root()).device("sda");
  REQUIRE(sda);
  CHECK(*sda == BlockDevice{"sda", 8, 0, 2048 * 512, true, true, std::nullopt});
}

TEST_CASE("an attached loop device has its backing file, a detached one none") {
  FakeSysfs tree;
  tree.add_disk("loop0", "7:0", 16384);
  tree.set("loop0", "loop/backing_file", "/tmp/disk image.img");
  tree.add_disk("loop1", "7:1", 0);
  const Sysfs sysfs(tree.root());
  CHECK(sysfs.device("loop0")->backing_file == "/tmp/disk image.img");
  CHECK(sysfs.device("loop0")->size_bytes == 8u << 20);
  CHECK_FALSE(sysfs.device("loop1")->backing_file);
}

TEST_CASE("a partition is read through its disk, whose queue it shares") {
  FakeSysfs tree;
  tree.add_disk("vda", "254:0", 4096, true);
  tree.add_partition("vda", "vda1", "254:1", 1024);
  const std::optional<BlockDevice> vda1 = Sysfs(tree.root()).device("vda1");
  REQUIRE(vda1);
  CHECK(*vda1 == BlockDevice{"vda1", 254, 1, 1024 * 512, false, true, std::nullopt});
}

TEST_CASE("every device under class/block is read, keyed by name") {
  FakeSysfs tree;
  tree.add_disk("vda", "254:0", 4096);
  tree.add_partition("vda", "vda1", "254:1", 1024);
  tree.add_disk("loop0", "7:0", 0);
  const auto table = Sysfs(tree.root()).devices();
  REQUIRE(table.size() == 3);
  CHECK(table.at("vda1").major == 254);
  CHECK(table.at("loop0").name == "loop0");
}

TEST_CASE("a device without a readable dev is not there") {
  FakeSysfs tree;
  tree.add_disk("gone", "7:0", 0);
  tree.unset("gone", "dev");
  tree.add_disk("bad", "7:x", 0);
  tree.add_disk("nocolon", "7", 0);
  tree.add_disk("ok", "7:3", 0);
  const Sysfs sysfs(tree.root());
  CHECK_FALSE(sysfs.device("gone"));
  CHECK_FALSE(sysfs.device("bad"));
  CHECK_FALSE(sysfs.device("nocolon"));
  CHECK_FALSE(sysfs.device("absent"));
  CHECK(sysfs.devices().size() == 1);
}

TEST_CASE("unreadable attributes other than dev keep their defaults") {
  FakeSysfs tree;
  tree.add_disk("vdb", "254:16", 100, true);
  tree.unset("vdb", "size");
  tree.set("vdb", "ro", "garbage");
  tree.unset("vdb", "queue/rotational");
  CHECK(*Sysfs(tree.root()).device("vdb") ==
        BlockDevice{"vdb", 254, 16, 0, false, false, std::nullopt});
}

TEST_CASE("names that would leave class/block are refused") {
  FakeSysfs tree;
  tree.add_disk("vda", "254:0", 1);
  const Sysfs sysfs(tree.root());
  CHECK_FALSE(sysfs.device(""));
  CHECK_FALSE(sysfs.device("."));
  CHECK_FALSE(sysfs.device(".."));
  CHECK_FALSE(sysfs.device("../block/vda"));
}

TEST_CASE("a root without class/block has no devices") {
  CHECK(Sysfs("/nonexistent-mirari-sysfs").devices().empty());
}

TEST_CASE("the default root is /sys") {
  CHECK(Sysfs().root() == "/sys");
}
