// What changed between two configurations' plugin tables, for applying a re-read file.
#pragma once

#include <string>
#include <vector>

#include "config_file.hpp"

namespace mirari::host {

struct PluginChanges {
  std::vector<std::string> removed;  // instances whose table is gone
  std::vector<std::string> changed;  // same instance, another file or other values
  std::vector<std::string> added;    // new tables, in file order
  bool empty() const noexcept { return removed.empty() && changed.empty() && added.empty(); }
};

PluginChanges diff_plugins(const DaemonConfig& before, const DaemonConfig& after);

// True when the two tables configure an instance the same way (their places may differ).
bool same_settings(const PluginTable& a, const PluginTable& b);

}  // namespace mirari::host
