#include "xen_adoption.hpp"

#include <algorithm>
#include <cctype>

namespace mirari::instances {

namespace {

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

// GROUP-N, N digits: how the group's counted members are named.
bool named_like_member(std::string_view name, std::string_view group) {
  if (name.size() <= group.size() + 1 || name.substr(0, group.size()) != group ||
      name[group.size()] != '-') {
    return false;
  }
  const std::string_view serial = name.substr(group.size() + 1);
  return std::all_of(serial.begin(), serial.end(), [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

AdoptionPlan plan_adoption(const RecordedState& state, const std::vector<ListedDomain>& domains,
                           std::string_view group) {
  AdoptionPlan plan;
  for (const auto& [name, recorded] : state.instances) {
    if (!live(recorded.instance.state)) continue;
    const std::string uuid = lower(recorded.domain_uuid);
    const auto it = std::find_if(domains.begin(), domains.end(), [&](const ListedDomain& d) {
      return !uuid.empty() && d.name == name && lower(d.uuid) == uuid;
    });
    if (it != domains.end()) {
      plan.adopted.emplace(name, *it);
    } else {
      plan.gone.push_back(name);
    }
  }
  for (const ListedDomain& d : domains) {
    const auto adopted = plan.adopted.find(d.name);
    if (adopted != plan.adopted.end() && adopted->second == d) continue;
    if (named_like_member(d.name, group) || state.instances.count(d.name) != 0) {
      plan.strangers.push_back(d);
    }
  }
  return plan;
}

}  // namespace mirari::instances
