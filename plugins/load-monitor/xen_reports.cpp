#include "xen_reports.hpp"

namespace mirari::load {

std::vector<Report> xen_reports(const xen::XenDataTable& before, const xen::XenDataTable& after) {
  std::vector<Report> reports;
  for (const auto& [id, data] : after) {
    auto old = before.find(id);
    // A renamed domain reports everything afresh under its new name.
    const bool same = old != before.end() && old->second.name == data.name;
    for (const auto& [key, value] : data.values) {
      if (same) {
        auto was = old->second.values.find(key);
        if (was != old->second.values.end() && was->second == value) continue;
      }
      if (std::optional<Report> report = parse_report(data.name, key, value)) {
        reports.push_back(std::move(*report));
      }
    }
  }
  return reports;
}

std::vector<std::string> xen_instances_gone(const xen::XenDataTable& before,
                                            const xen::XenDataTable& after) {
  std::vector<std::string> gone;
  for (const auto& [id, data] : before) {
    auto now = after.find(id);
    if (!data.name.empty() && (now == after.end() || now->second.name != data.name)) {
      gone.push_back(data.name);
    }
  }
  return gone;
}

}  // namespace mirari::load
