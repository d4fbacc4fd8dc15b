#include "threshold_scaler.hpp"

#include <nlohmann/json.hpp>

namespace mirari::policies {

ThresholdState ThresholdScaler::initial(const Observation& o) const {
  ThresholdState s;
  s.desired = options_.group.clamp(o.load.live());
  s.now = o.now;
  return s;
}

ThresholdState ThresholdScaler::resume(ThresholdState previous) const {
  previous.desired = options_.group.clamp(previous.desired);
  return previous;
}

ThresholdState ThresholdScaler::step(ThresholdState s, const Observation& o) const {
  const Millis now = o.now;
  if (now < s.now) {
    s.above_since.reset();
    s.below_since.reset();
    s.last_change = now;
  }
  s.now = now;
  s.desired = options_.group.clamp(s.desired);

  const std::optional<double> mean = o.load.mean_load();
  if (mean && *mean > options_.high) {
    s.below_since.reset();
    if (!s.above_since) s.above_since = now;
  } else if (mean && *mean < options_.low) {
    s.above_since.reset();
    if (!s.below_since) s.below_since = now;
  } else {
    s.above_since.reset();
    s.below_since.reset();
  }

  const bool cooled = !s.last_change || now - *s.last_change >= options_.cooldown_ms;
  const auto held = [&](const std::optional<Millis>& since) {
    return since && now - *since >= options_.hold_ms;
  };
  if (cooled && held(s.above_since) && s.desired < options_.group.max_instances) {
    ++s.desired;
    s.last_change = now;
    s.above_since = now;
  } else if (cooled && held(s.below_since) && s.desired > options_.group.min_instances) {
    --s.desired;
    s.last_change = now;
    s.below_since = now;
  }
  return s;
}

namespace {

nlohmann::json optional_ms(const std::optional<Millis>& ms) {
  return ms ? nlohmann::json(*ms) : nlohmann::json(nullptr);
}

std::optional<Millis> read_optional_ms(const nlohmann::json& j, const char* key) {
  const nlohmann::json& v = j.at(key);
  if (v.is_null()) return std::nullopt;
  return v.get<Millis>();
}

}  // namespace

std::string to_snapshot(const ThresholdState& s, const std::string& group) {
  return nlohmann::json{{"group", group},
                        {"desired", s.desired},
                        {"above_since", optional_ms(s.above_since)},
                        {"below_since", optional_ms(s.below_since)},
                        {"last_change", optional_ms(s.last_change)},
                        {"now", s.now}}
      .dump();
}

std::optional<ThresholdState> from_snapshot(const std::string& text, const std::string& group) {
  try {
    const nlohmann::json j = nlohmann::json::parse(text);
    if (j.at("group").get<std::string>() != group) return std::nullopt;
    ThresholdState s;
    s.desired = j.at("desired").get<int>();
    s.above_since = read_optional_ms(j, "above_since");
    s.below_since = read_optional_ms(j, "below_since");
    s.last_change = read_optional_ms(j, "last_change");
    s.now = j.at("now").get<Millis>();
    return s;
  } catch (const nlohmann::json::exception& e) {
    throw std::invalid_argument("not a threshold-scaler snapshot: " + std::string(e.what()));
  }
}

}  // namespace mirari::policies
