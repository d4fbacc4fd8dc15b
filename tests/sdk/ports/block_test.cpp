// The catalogue's block types (mirari/ports/block.hpp) in their JSON forms, as tools and reload
// snapshots see them.
#include <catch2/catch.hpp>

#include "mirari/ports/block.hpp"

using mirari::ports::block::BlockDevice;
using mirari::ports::block::BlockEvent;
using mirari::ports::block::Devices;
using Kind = mirari::ports::block::BlockEvent::Kind;

namespace {
BlockDevice loop(std::uint64_t sectors, std::optional<std::string> file = std::nullopt) {
  return {"loop0", 7, 0, sectors * 512, false, false, std::move(file)};
}
}  // namespace

TEST_CASE("a device's JSON names every field and no backing file is null") {
  const nlohmann::json j = loop(16, "/tmp/a.img");
  CHECK(j == nlohmann::json::parse(R"({"name": "loop0", "major": 7, "minor": 0,
      "size_bytes": 8192, "read_only": false, "rotational": false,
      "backing_file": "/tmp/a.img"})"));
  CHECK(nlohmann::json(loop(0)).at("backing_file").is_null());
}

TEST_CASE("the JSON forms round-trip") {
  const BlockEvent event{Kind::changed, loop(0), loop(16, "/tmp/a.img")};
  const nlohmann::json j = event;
  CHECK(j.at("kind") == "changed");
  CHECK(j.at("old").at("backing_file").is_null());
  CHECK(j.at("new").at("size_bytes") == 16 * 512);
  CHECK(j.get<BlockEvent>() == event);
  const Devices table{{"loop0", loop(16)}};
  CHECK(nlohmann::json(table).at("loop0").at("minor") == 0);
  CHECK(nlohmann::json(table).get<Devices>() == table);
}

TEST_CASE("the block ports' types have stable names") {
  CHECK(mirari::type_name<Devices>() == "table<string,block.device>");
  CHECK(mirari::type_name<BlockEvent>() == "block.event");
}

TEST_CASE("the devices table is an object keyed by device name") {
  BlockDevice vda{"vda", 254, 0, 4096, false, true, std::nullopt};
  const Devices table{{"loop0", loop(16)}, {"vda", vda}};
  const nlohmann::json j = table;
  REQUIRE(j.is_object());
  CHECK(j.size() == 2);
  CHECK(j.at("vda") == nlohmann::json(vda));
  CHECK(j.at("loop0") == nlohmann::json(loop(16)));
  CHECK_THROWS_AS(nlohmann::json::array().get<Devices>(), std::invalid_argument);
}
