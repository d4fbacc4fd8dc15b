#include "recorded_slots.hpp"

#include <map>
#include <string>
#include <utility>

#include "instance_name.hpp"

namespace mirari::instances {

std::int64_t recorded_members(const RecordedState& state) {
  std::int64_t count = 0;
  for (const auto& [name, recorded] : state.instances) {
    const InstanceState phase = recorded.instance.state;
    if (!recorded.instance.extra &&
        (phase == InstanceState::starting || phase == InstanceState::running ||
         phase == InstanceState::failed)) {
      ++count;
    }
  }
  return count;
}

InstanceSpecs recorded_extras(const RecordedState& state) {
  std::map<std::string, std::pair<std::uint64_t, const InstanceSpec*>> newest;
  for (const auto& [name, recorded] : state.instances) {
    if (!recorded.instance.extra || recorded.instance.state == InstanceState::stopping) continue;
    auto& [serial, spec] = newest[*recorded.instance.extra];
    if (spec == nullptr || serial_of(name).value_or(0) > serial) {
      serial = serial_of(name).value_or(0);
      spec = &recorded.spec;
    }
  }
  InstanceSpecs::Builder out;
  for (const auto& [key, chosen] : newest) out.set(key, *chosen.second);
  return out.build();
}

}  // namespace mirari::instances
