// The target-tracking scaler's snapshot: its state as JSON, timestamps on clock.ms's clock.
#include <nlohmann/json.hpp>

#include "target_tracking.hpp"

namespace mirari::policies {

namespace {

nlohmann::json events_json(const ScaleEvents& events) {
  nlohmann::json out = nlohmann::json::array();
  for (const ScaleEvent& e : events) out.push_back({e.change, e.at, e.outdated});
  return out;
}

ScaleEvents read_events(const nlohmann::json& j) {
  ScaleEvents out;
  for (const nlohmann::json& e : j) {
    out.push_back({e.at(0).get<int>(), e.at(1).get<Millis>(), e.at(2).get<bool>()});
  }
  return out;
}

}  // namespace

std::string to_snapshot(const TargetTrackingState& s, const std::string& group) {
  nlohmann::json recommendations = nlohmann::json::array();
  for (const TimedRecommendation& r : s.recommendations) {
    recommendations.push_back({r.replicas, r.at});
  }
  return nlohmann::json{
      {"group", group},
      {"desired", s.desired},
      {"last_decision", s.last_decision ? nlohmann::json(*s.last_decision) : nlohmann::json()},
      {"now", s.now},
      {"recommendations", std::move(recommendations)},
      {"scale_up_events", events_json(s.scale_up_events)},
      {"scale_down_events", events_json(s.scale_down_events)}}
      .dump();
}

std::optional<TargetTrackingState> from_snapshot(const std::string& text,
                                                 const std::string& group) {
  try {
    const nlohmann::json j = nlohmann::json::parse(text);
    if (j.at("group").get<std::string>() != group) return std::nullopt;
    TargetTrackingState s;
    s.desired = j.at("desired").get<int>();
    if (!j.at("last_decision").is_null()) s.last_decision = j.at("last_decision").get<Millis>();
    s.now = j.at("now").get<Millis>();
    for (const nlohmann::json& r : j.at("recommendations")) {
      s.recommendations.push_back({r.at(0).get<int>(), r.at(1).get<Millis>()});
    }
    s.scale_up_events = read_events(j.at("scale_up_events"));
    s.scale_down_events = read_events(j.at("scale_down_events"));
    return s;
  } catch (const nlohmann::json::exception& e) {
    throw std::invalid_argument("not a target-tracking-scaler snapshot: " + std::string(e.what()));
  }
}

}  // namespace mirari::policies
