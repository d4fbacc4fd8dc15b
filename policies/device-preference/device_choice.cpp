#include "device_choice.hpp"

#include "device_candidates.hpp"

namespace mirari::policies {

namespace {

Candidates candidates(const Binding& b, const DeviceObservation& o) {
  return b.kind == DeviceKind::link ? link_candidates(b, o.links) : disk_candidates(b, o.disks);
}

// The best of the candidates that pass.
template <class Pass>
std::optional<std::string> best(const Candidates& c, Pass pass) {
  const std::pair<const std::string, DeviceRank>* top = nullptr;
  for (const auto& entry : c) {
    if (pass(entry.first) && (top == nullptr || entry.second < top->second)) top = &entry;
  }
  if (top == nullptr) return std::nullopt;
  return top->first;
}

}  // namespace

ChoiceState DeviceChooser::initial(const DeviceObservation& o) const {
  ChoiceState s;
  s.now = o.now;
  for (const Binding& b : options_.bindings) {
    BindingChoice choice;
    const Candidates c = candidates(b, o);
    for (const auto& [name, rank] : c) choice.candidate_since.emplace(name, o.now - b.hold_ms);
    choice.device = best(c, [](const std::string&) { return true; });
    s.bindings.push_back(std::move(choice));
  }
  return s;
}

ChoiceState DeviceChooser::step(ChoiceState s, const DeviceObservation& o) const {
  const Millis now = o.now;
  const bool clock_went_back = now < s.now;
  s.now = now;
  s.bindings.resize(options_.bindings.size());
  for (std::size_t i = 0; i < options_.bindings.size(); ++i) {
    const Binding& b = options_.bindings[i];
    BindingChoice& choice = s.bindings[i];
    const Candidates c = candidates(b, o);

    std::map<std::string, Millis> since;
    for (const auto& [name, rank] : c) {
      const auto was = choice.candidate_since.find(name);
      since.emplace(name,
                    was == choice.candidate_since.end() || clock_went_back ? now : was->second);
    }
    choice.candidate_since = std::move(since);

    const bool staying = choice.device && c.contains(*choice.device);
    if (staying) {
      const std::string current = *choice.device;
      choice.device = best(c, [&](const std::string& name) {
        return name == current || now - choice.candidate_since.at(name) >= b.hold_ms;
      });
    } else {
      choice.device = best(c, [](const std::string&) { return true; });
    }
  }
  return s;
}

Chosen chosen(const ChoiceState& s) {
  Chosen out;
  out.reserve(s.bindings.size());
  for (const BindingChoice& b : s.bindings) out.push_back(b.device);
  return out;
}

}  // namespace mirari::policies
