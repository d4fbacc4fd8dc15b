#include "config_diff.hpp"

namespace mirari::host {

bool same_settings(const PluginTable& a, const PluginTable& b) {
  return a.instance == b.instance && a.file == b.file && a.values == b.values;
}

PluginChanges diff_plugins(const DaemonConfig& before, const DaemonConfig& after) {
  PluginChanges changes;
  for (const auto& old : before.plugins) {
    const PluginTable* now = after.table(old.instance);
    if (now == nullptr) {
      changes.removed.push_back(old.instance);
    } else if (!same_settings(old, *now)) {
      changes.changed.push_back(old.instance);
    }
  }
  for (const auto& now : after.plugins) {
    if (before.table(now.instance) == nullptr) changes.added.push_back(now.instance);
  }
  return changes;
}

}  // namespace mirari::host
