// The state of the host's block devices, kept by reading sysfs when a uevent says a device
// came, changed or went (uevents name the device but carry few of its attributes).
//
// The table is kept in a Devices::Builder: the uevents of one batch edit in place the
// nodes no published version holds, table() hands out a version in O(1), and each version
// shares all but the paths to its changed devices with the one before, also after a
// re-read of sysfs.
//
// Invariants:
// - table() holds the devices whose names the include list accepts, each as sysfs showed it
//   when last read; a device whose sysfs entry has gone is not in it.
// - Every change to table() is reported by exactly one event, whose old and new values are
//   the device before and after it.
#pragma once

#include <string>
#include <vector>

#include "block_ports.hpp"
#include "sysfs.hpp"
#include "uevent.hpp"

namespace mirari::block {

class BlockModel {
 public:
  // include: name prefixes of the devices to keep; empty keeps every device.
  explicit BlockModel(Sysfs sysfs = Sysfs(), std::vector<std::string> include = {})
      : sysfs_(std::move(sysfs)), include_(std::move(include)) {}

  // Reads every device from sysfs and appends the events that lead to it from the current
  // table (none at all the first time, when the caller ignores them), in the order of diff.
  void read_all(std::vector<BlockEvent>& events);
  // Applies one uevent: a block device's add, change, move or other action reads it again,
  // remove drops it. Records of other subsystems and excluded names change nothing.
  void apply(const Uevent& uevent, std::vector<BlockEvent>& events);
  // The current table: O(1). Later changes to the model do not change the version returned.
  Devices table() const noexcept { return devices_.build(); }
  bool includes(const std::string& name) const;

  // The events that lead from before to after, in the tables' hash order (the same for the
  // same two tables). Costs O(changes) when after was derived from before.
  static void diff(const Devices& before, const Devices& after, std::vector<BlockEvent>& events);

 private:
  void refresh(const std::string& name, std::vector<BlockEvent>& events);
  void erase(const std::string& name, std::vector<BlockEvent>& events);

  Sysfs sysfs_;
  std::vector<std::string> include_;
  Devices::Builder devices_;
};

}  // namespace mirari::block
