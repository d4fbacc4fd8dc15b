#include "device_choice.hpp"

#include <stdexcept>

#include <nlohmann/json.hpp>

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

ChoiceState DeviceChooser::resume(const ChoiceState& previous,
                                  const std::vector<std::string>& previous_names,
                                  const DeviceObservation& o) const {
  ChoiceState s = initial(o);
  s.now = previous.now;
  for (std::size_t i = 0; i < options_.bindings.size(); ++i) {
    for (std::size_t j = 0; j < previous_names.size() && j < previous.bindings.size(); ++j) {
      if (previous_names[j] == options_.bindings[i].name) s.bindings[i] = previous.bindings[j];
    }
  }
  return step(std::move(s), o);
}

Chosen chosen(const ChoiceState& s) {
  Chosen out;
  out.reserve(s.bindings.size());
  for (const BindingChoice& b : s.bindings) out.push_back(b.device);
  return out;
}

std::string to_snapshot(const ChoiceState& s, const DevicePreferenceOptions& options) {
  nlohmann::json bindings = nlohmann::json::array();
  for (std::size_t i = 0; i < s.bindings.size() && i < options.bindings.size(); ++i) {
    const BindingChoice& b = s.bindings[i];
    bindings.push_back({{"name", options.bindings[i].name},
                        {"device", b.device ? nlohmann::json(*b.device) : nlohmann::json()},
                        {"candidate_since", b.candidate_since}});
  }
  return nlohmann::json{{"now", s.now}, {"bindings", bindings}}.dump();
}

std::pair<ChoiceState, std::vector<std::string>> from_snapshot(const std::string& text) {
  try {
    const nlohmann::json j = nlohmann::json::parse(text);
    ChoiceState s;
    std::vector<std::string> names;
    s.now = j.at("now").get<Millis>();
    for (const nlohmann::json& b : j.at("bindings")) {
      BindingChoice choice;
      if (!b.at("device").is_null()) choice.device = b.at("device").get<std::string>();
      choice.candidate_since = b.at("candidate_since").get<std::map<std::string, Millis>>();
      names.push_back(b.at("name").get<std::string>());
      s.bindings.push_back(std::move(choice));
    }
    return {std::move(s), std::move(names)};
  } catch (const nlohmann::json::exception& e) {
    throw std::invalid_argument("not a device-preference snapshot: " + std::string(e.what()));
  }
}

}  // namespace mirari::policies
