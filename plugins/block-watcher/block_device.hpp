// What the block watcher publishes: the host's block devices, and changes to them.
//
// Ports (see block_watcher_plugin.hpp):
//   block.devices  signal  BlockTable, a mirari::Table<std::string, BlockDevice>
//                          (type "table<string,block.device>"), keyed by the kernel's name
//                          for the device ("vda", "vda1", "loop0"); iterating it visits the
//                          devices in hash order, so look devices up by name.
//                          A loop device the kernel keeps while nothing is attached to it is
//                          listed with size 0 and no backing file: attaching, resizing and
//                          detaching are changes to it.
//   block.events   event   std::vector<BlockEvent> (type "list<block.event>"): the changes of
//                          one tick, in the order they happened
//
// JSON forms, for tools:
//   BlockDevice {"name": "loop0", "major": 7, "minor": 0, "size_bytes": 8388608,
//                "read_only": false, "rotational": false,
//                "backing_file": "/var/lib/images/a.img" | null}
//   BlockTable  {"loop0": BlockDevice, "vda": BlockDevice, ...}  (a table keyed by strings
//               is an object keyed by the key)
//   BlockEvent  {"kind": "added" | "changed" | "removed", "old": BlockDevice | null,
//                "new": BlockDevice | null}
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include <mirari/table.hpp>
#include <mirari/type_name.hpp>
#include <nlohmann/json.hpp>

namespace mirari::block {

struct BlockDevice {
  std::string name;              // as under /sys/class/block
  std::uint32_t major = 0;       // dev
  std::uint32_t minor = 0;       // dev
  std::uint64_t size_bytes = 0;  // size, which the kernel counts in 512-byte sectors
  bool read_only = false;        // ro
  // queue/rotational; a partition reports its disk's.
  bool rotational = false;
  // loop/backing_file: only for a loop device while it is attached to a file.
  std::optional<std::string> backing_file;
  friend bool operator==(const BlockDevice&, const BlockDevice&) = default;
};

using BlockTable = mirari::Table<std::string, BlockDevice>;

struct BlockEvent {
  enum class Kind { added, changed, removed };
  Kind kind = Kind::changed;
  std::optional<BlockDevice> old_device;  // absent for added
  std::optional<BlockDevice> new_device;  // absent for removed
  friend bool operator==(const BlockEvent&, const BlockEvent&) = default;
};

NLOHMANN_JSON_SERIALIZE_ENUM(BlockEvent::Kind, {{BlockEvent::Kind::added, "added"},
                                                {BlockEvent::Kind::changed, "changed"},
                                                {BlockEvent::Kind::removed, "removed"}})

void to_json(nlohmann::json& j, const BlockDevice& d);
void from_json(const nlohmann::json& j, BlockDevice& d);
void to_json(nlohmann::json& j, const BlockEvent& e);
void from_json(const nlohmann::json& j, BlockEvent& e);

}  // namespace mirari::block

MIRARI_TYPE_NAME(mirari::block::BlockDevice, "block.device")
MIRARI_TYPE_NAME(mirari::block::BlockEvent, "block.event")
