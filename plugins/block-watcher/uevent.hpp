// Reading the kernel's uevent records, as a NETLINK_KOBJECT_UEVENT socket delivers them: one
// datagram per record, "ACTION@DEVPATH\0KEY=VALUE\0KEY=VALUE\0...".
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace mirari::block {

struct Uevent {
  std::string action;   // "add", "remove", "change", "move", ...
  std::string devpath;  // under /sys: "/devices/virtual/block/loop0"
  std::map<std::string, std::string, std::less<>> variables;  // KEY=VALUE pairs

  // The value of a variable, or empty when absent.
  std::string_view get(std::string_view key) const;
  // The last component of devpath: the kernel's name for the object ("loop0").
  std::string_view name() const;
  // Whether this record is about a block device (SUBSYSTEM=block).
  bool is_block() const { return get("SUBSYSTEM") == "block"; }
};

// The record in datagram, or none when it is not one: no "ACTION@/DEVPATH" header (udev's
// own "libudev" records, truncated or foreign data). Variables without '=' or with an empty
// key are skipped; a trailing NUL is optional.
std::optional<Uevent> parse_uevent(std::string_view datagram);

}  // namespace mirari::block
