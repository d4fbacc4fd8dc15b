// Port catalogue: the block devices of the host, and the changes to them. Published by the
// stock block-watcher plugin.
//
//   port           constant  kind    C++ type      stable type name
//   block.devices  kDevices  signal  Devices       table<string,block.device>
//   block.events   kEvents   event   DeviceEvents  list<block.event>
//
// Keyed by the kernel's name for the device ("vda", "vda1", "loop0"); iterating the table
// visits the devices in hash order, so look devices up by name. A loop device the kernel keeps
// while nothing is attached to it is listed with size 0 and no backing file: attaching,
// resizing and detaching are changes to it.
//
// JSON forms, for tools (mirarictl get, watch, set):
//   BlockDevice  {"name": "loop0", "major": 7, "minor": 0, "size_bytes": 8388608,
//                 "read_only": false, "rotational": false,
//                 "backing_file": "/var/lib/images/a.img" | null}
//   Devices      {"loop0": BlockDevice, "vda": BlockDevice, ...}  (keyed by the name)
//   BlockEvent   {"kind": "added" | "changed" | "removed", "old": BlockDevice | null,
//                 "new": BlockDevice | null}
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "mirari/json_form.hpp"
#include "mirari/table.hpp"
#include "mirari/type_layout.hpp"

namespace mirari::ports::block {

// Every block device the watcher follows, by name; empty until a block watcher publishes it.
inline constexpr const char* kDevices = "block.devices";
// The changes of one tick to block.devices, in the order they happened; occurs in the tick in
// which block.devices takes the new value.
inline constexpr const char* kEvents = "block.events";

// One block device, as sysfs describes it under /sys/class/block/<name>.
struct BlockDevice {
  std::string name;              // the kernel's name, the key ("vda", "vda1", "loop0")
  std::uint32_t major = 0;       // device number, major part (dev)
  std::uint32_t minor = 0;       // device number, minor part (dev)
  std::uint64_t size_bytes = 0;  // bytes (size, which the kernel counts in 512-byte sectors)
  bool read_only = false;        // ro
  bool rotational = false;  // queue/rotational (a spinning disk); a partition reports its disk's
  // loop/backing_file: present only for a loop device while it is attached to a file.
  std::optional<std::string> backing_file;
  friend bool operator==(const BlockDevice&, const BlockDevice&) = default;
};

// One change to block.devices.
struct BlockEvent {
  enum class Kind { added, changed, removed };
  Kind kind = Kind::changed;
  std::optional<BlockDevice> old_device;  // the device before; absent for added
  std::optional<BlockDevice> new_device;  // the device after; absent for removed
  friend bool operator==(const BlockEvent&, const BlockEvent&) = default;
};

using Devices = Table<std::string, BlockDevice>;
using DeviceEvents = std::vector<BlockEvent>;

NLOHMANN_JSON_SERIALIZE_ENUM(BlockEvent::Kind, {{BlockEvent::Kind::added, "added"},
                                                {BlockEvent::Kind::changed, "changed"},
                                                {BlockEvent::Kind::removed, "removed"}})

inline void to_json(nlohmann::json& j, const BlockDevice& d) {
  j = {{"name", d.name},
       {"major", d.major},
       {"minor", d.minor},
       {"size_bytes", d.size_bytes},
       {"read_only", d.read_only},
       {"rotational", d.rotational},
       {"backing_file", optional_to_json(d.backing_file)}};
}

inline void from_json(const nlohmann::json& j, BlockDevice& d) {
  read_json(j.at("name"), d.name);
  read_json(j.at("major"), d.major);
  read_json(j.at("minor"), d.minor);
  read_json(j.at("size_bytes"), d.size_bytes);
  read_json(j.at("read_only"), d.read_only);
  read_json(j.at("rotational"), d.rotational);
  d.backing_file = optional_from_json<std::string>(j, "backing_file");
}

inline void to_json(nlohmann::json& j, const BlockEvent& e) {
  j = {{"kind", e.kind},
       {"old", optional_to_json(e.old_device)},
       {"new", optional_to_json(e.new_device)}};
}

inline void from_json(const nlohmann::json& j, BlockEvent& e) {
  read_json(j.at("kind"), e.kind);
  e.old_device = optional_from_json<BlockDevice>(j, "old");
  e.new_device = optional_from_json<BlockDevice>(j, "new");
}

}  // namespace mirari::ports::block

MIRARI_TYPE(mirari::ports::block::BlockDevice, "block.device", name, major, minor, size_bytes,
            read_only, rotational, backing_file)
MIRARI_ENUM(mirari::ports::block::BlockEvent::Kind, "block.event_kind", added, changed, removed)
MIRARI_TYPE(mirari::ports::block::BlockEvent, "block.event", kind, old_device, new_device)
