#include "xen_reports.hpp"

namespace mirari::load {

std::vector<Report> xen_reports(const ports::xen::DataByDomain& before,
                                const ports::xen::DataByDomain& after) {
  std::vector<Report> reports;
  diff(before, after,
       [&](const std::string&, const ports::xen::XenData* old, const ports::xen::XenData* data) {
         if (data == nullptr) return;
         // A renamed domain reports everything afresh under its new name.
         const bool same = old != nullptr && old->name == data->name;
         for (const auto& [key, value] : data->values) {
           if (same) {
             auto was = old->values.find(key);
             if (was != old->values.end() && was->second == value) continue;
           }
           if (std::optional<Report> report = parse_report(data->name, key, value)) {
             reports.push_back(std::move(*report));
           }
         }
       });
  return reports;
}

std::vector<std::string> xen_instances_gone(const ports::xen::DataByDomain& before,
                                            const ports::xen::DataByDomain& after) {
  std::vector<std::string> gone;
  diff(before, after,
       [&](const std::string&, const ports::xen::XenData* old, const ports::xen::XenData* now) {
         if (old != nullptr && !old->name.empty() && (now == nullptr || now->name != old->name)) {
           gone.push_back(old->name);
         }
       });
  return gone;
}

}  // namespace mirari::load
