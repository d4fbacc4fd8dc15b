#include "block_model.hpp"

#include <algorithm>
#include <optional>

#include "common/table_changes.hpp"

namespace mirari::block {

bool BlockModel::includes(const std::string& name) const {
  return include_.empty() || std::any_of(include_.begin(), include_.end(),
                                         [&](const std::string& p) { return name.starts_with(p); });
}

void BlockModel::read_all(std::vector<BlockEvent>& events) {
  Devices::Builder kept;
  for (const auto& [name, device] : sysfs_.devices()) {
    if (includes(name)) kept.set(name, device);
  }
  const Devices before = devices_.build();
  const Devices after = kept.build();
  diff(before, after, events);
  // The changes are applied to the current version rather than replacing it, so that the
  // next version shares all but their paths with the one subscribers hold.
  mirari::diff(before, after,
               [this](const std::string& name, const BlockDevice*, const BlockDevice* now) {
                 if (now != nullptr) {
                   devices_.set(name, *now);
                 } else {
                   devices_.erase(name);
                 }
               });
}

void BlockModel::apply(const Uevent& uevent, std::vector<BlockEvent>& events) {
  if (!uevent.is_block()) return;
  if (uevent.action == "move") {
    // A rename: the old name is gone, the new one is read below.
    const std::string_view old_path = uevent.get("DEVPATH_OLD");
    const std::string old_name(old_path.substr(old_path.rfind('/') + 1));
    if (!old_name.empty() && includes(old_name)) erase(old_name, events);
  }
  const std::string name(uevent.name());
  if (!includes(name)) return;
  if (uevent.action == "remove") {
    erase(name, events);
  } else {
    refresh(name, events);
  }
}

void BlockModel::refresh(const std::string& name, std::vector<BlockEvent>& events) {
  std::optional<BlockDevice> device = sysfs_.device(name);
  if (!device) {
    erase(name, events);
    return;
  }
  const BlockDevice* known = devices_.find(name);
  if (known == nullptr) {
    events.push_back({BlockEvent::Kind::added, std::nullopt, *device});
  } else if (*known != *device) {
    events.push_back({BlockEvent::Kind::changed, *known, *device});
  } else {
    return;
  }
  devices_.set(name, std::move(*device));
}

void BlockModel::erase(const std::string& name, std::vector<BlockEvent>& events) {
  const BlockDevice* known = devices_.find(name);
  if (known == nullptr) return;
  events.push_back({BlockEvent::Kind::removed, *known, std::nullopt});
  devices_.erase(name);
}

void BlockModel::diff(const Devices& before, const Devices& after,
                      std::vector<BlockEvent>& events) {
  common::diff_tables(before, after, events);
}

}  // namespace mirari::block
