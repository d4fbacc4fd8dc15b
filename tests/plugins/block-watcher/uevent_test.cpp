// Reading uevent records: the kernel's, udev's (refused) and garbage (refused or skipped).
#include <catch2/catch.hpp>

#include <string>

#include "uevent.hpp"

using mirari::block::parse_uevent;
using mirari::block::Uevent;
using namespace std::string_literals;

TEST_CASE("a kernel record gives its action, path, name and variables") {
  const std::string datagram =
      "change@/devices/virtual/block/loop0\0ACTION=change\0DEVPATH=/devices/virtual/block/loop0\0"
      "SUBSYSTEM=block\0RESIZE=1\0MAJOR=7\0MINOR=0\0DEVNAME=loop0\0DEVTYPE=disk\0SEQNUM=20309\0"s;
  const std::optional<Uevent> event = parse_uevent(datagram);
  REQUIRE(event);
  CHECK(event->action == "change");
  CHECK(event->devpath == "/devices/virtual/block/loop0");
  CHECK(event->name() == "loop0");
  CHECK(event->is_block());
  CHECK(event->get("RESIZE") == "1");
  CHECK(event->get("SEQNUM") == "20309");
  CHECK(event->get("ABSENT").empty());
  CHECK(event->variables.size() == 9);
}

TEST_CASE("the trailing NUL is optional and a value may hold '=' or be empty") {
  const std::optional<Uevent> event =
      parse_uevent("add@/devices/virtual/block/loop1\0SUBSYSTEM=block\0ID=a=b\0EMPTY="s);
  REQUIRE(event);
  CHECK(event->get("ID") == "a=b");
  CHECK(event->variables.count("EMPTY") == 1);
  CHECK(event->get("EMPTY").empty());
}

TEST_CASE("a record of another subsystem is read but is not about a block device") {
  const std::optional<Uevent> event =
      parse_uevent("add@/devices/virtual/net/veth0\0ACTION=add\0SUBSYSTEM=net\0"s);
  REQUIRE(event);
  CHECK_FALSE(event->is_block());
  CHECK(event->name() == "veth0");
}

TEST_CASE("a header-only record has no variables") {
  const std::optional<Uevent> event = parse_uevent("remove@/devices/virtual/block/loop9");
  REQUIRE(event);
  CHECK(event->action == "remove");
  CHECK(event->variables.empty());
  CHECK_FALSE(event->is_block());
}

TEST_CASE("udev's rebroadcasts are refused") {
  CHECK_FALSE(parse_uevent("libudev\0\xfe\xed\xca\xfe\x28\0\0\0ACTION=add\0"s));
}

TEST_CASE("data without an ACTION@/DEVPATH header is refused") {
  CHECK_FALSE(parse_uevent(""));
  CHECK_FALSE(parse_uevent("\0\0\0"s));
  CHECK_FALSE(parse_uevent("change"));
  CHECK_FALSE(parse_uevent("@/devices/virtual/block/loop0"));
  CHECK_FALSE(parse_uevent("change@"));
  CHECK_FALSE(parse_uevent("change@/"));
  CHECK_FALSE(parse_uevent("change@devices/block/loop0"));
  CHECK_FALSE(parse_uevent("change@/devices/block/\0SUBSYSTEM=block\0"s));
  CHECK_FALSE(parse_uevent("\xff\xfe\x00\x01\x80@"s));
}

TEST_CASE("variables without a key or an '=' are skipped, the rest kept") {
  const std::optional<Uevent> event = parse_uevent(
      "change@/devices/virtual/block/loop0\0garbage\0=nokey\0\0\xff\xfe\0SUBSYSTEM=block\0"s);
  REQUIRE(event);
  CHECK(event->is_block());
  CHECK(event->variables.size() == 1);
}

TEST_CASE("a repeated variable keeps its last value") {
  const std::optional<Uevent> event =
      parse_uevent("change@/devices/virtual/block/loop0\0SUBSYSTEM=net\0SUBSYSTEM=block\0"s);
  REQUIRE(event);
  CHECK(event->is_block());
}
