#include "recorded_slots.hpp"

#include <charconv>
#include <map>
#include <string>
#include <system_error>
#include <utility>

namespace mirari::instances {

namespace {

// The number a name made by the reconciler (BASE-N) ends with; 0 for any other name.
std::uint64_t serial_of(const std::string& name) {
  const std::size_t dash = name.rfind('-');
  if (dash == std::string::npos) return 0;
  std::uint64_t serial = 0;
  const char* end = name.data() + name.size();
  const auto [stop, error] = std::from_chars(name.data() + dash + 1, end, serial);
  return error == std::errc() && stop == end ? serial : 0;
}

}  // namespace

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
    if (spec == nullptr || serial_of(name) > serial) {
      serial = serial_of(name);
      spec = &recorded.spec;
    }
  }
  InstanceSpecs::Builder out;
  for (const auto& [key, chosen] : newest) out.set(key, *chosen.second);
  return out.build();
}

}  // namespace mirari::instances
