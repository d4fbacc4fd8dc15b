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
  BlockTable after = sysfs_.devices();
  std::erase_if(after, [&](const auto& entry) { return !includes(entry.first); });
  diff(devices_, after, events);
  devices_ = std::move(after);
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
  auto it = devices_.find(name);
  if (it == devices_.end()) {
    events.push_back({BlockEvent::Kind::added, std::nullopt, *device});
    devices_.emplace(name, std::move(*device));
  } else if (it->second != *device) {
    events.push_back({BlockEvent::Kind::changed, it->second, *device});
    it->second = std::move(*device);
  }
}

void BlockModel::erase(const std::string& name, std::vector<BlockEvent>& events) {
  auto it = devices_.find(name);
  if (it == devices_.end()) return;
  events.push_back({BlockEvent::Kind::removed, std::move(it->second), std::nullopt});
  devices_.erase(it);
}

void BlockModel::diff(const BlockTable& before, const BlockTable& after,
                      std::vector<BlockEvent>& events) {
  common::diff_tables(before, after, events);
}

}  // namespace mirari::block
