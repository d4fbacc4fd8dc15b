// The threshold rule: one instance more when the group's mean load stays above high for
// hold_ms, one fewer when it stays below low for hold_ms, never two changes within
// cooldown_ms, and always between min_instances and max_instances.
//
// Hysteresis: the count moves only when the mean leaves [low, high], and a mean back inside
// the band (or no load at all: no ready member reports) restarts the hold. After a change,
// the hold restarts from the change, so the next one needs hold_ms beyond the bound again
// as well as the cooldown.
//
// Time is what clock.ms says (group_observation.hpp): a hold that ends between two readings
// is seen at the next one. A clock reading earlier than the previous one (a snapshot taken
// before a reboot) restarts the hold and the cooldown from the new reading.
//
// A ThresholdScaler is a pure function of its options: no state of its own, no clock, no
// knowledge of the graph; the plugin folds step() over the observations.
#pragma once

#include <optional>
#include <string>

#include "group_observation.hpp"
#include "threshold_options.hpp"

namespace mirari::policies {

struct ThresholdState {
  int desired = 1;
  std::optional<Millis> above_since;  // the mean has been above high since then
  std::optional<Millis> below_since;  // the mean has been below low since then
  std::optional<Millis> last_change;  // the count last changed then
  Millis now = 0;                     // the latest clock reading
  friend bool operator==(const ThresholdState&, const ThresholdState&) = default;
};

class ThresholdScaler {
 public:
  explicit ThresholdScaler(ThresholdOptions options) : options_(std::move(options)) {}

  const ThresholdOptions& options() const noexcept { return options_; }

  // The state of a scaler that starts with no history: the count of the group's live members
  // (starting or running) within the bounds, so that loading the policy next to running
  // instances changes nothing by itself.
  ThresholdState initial(const Observation& o) const;
  // A previous instance's state (a reload) under these options: the count brought within the
  // bounds.
  ThresholdState resume(ThresholdState previous) const;
  // The state after observing o.
  ThresholdState step(ThresholdState s, const Observation& o) const;

 private:
  ThresholdOptions options_;
};

// The state as the plugin's snapshot: a JSON object that names the group.
std::string to_snapshot(const ThresholdState& s, const std::string& group);
// The state a snapshot holds, or none when it is another group's. Throws
// std::invalid_argument saying what is wrong when the text is not such a snapshot.
std::optional<ThresholdState> from_snapshot(const std::string& text, const std::string& group);

}  // namespace mirari::policies
