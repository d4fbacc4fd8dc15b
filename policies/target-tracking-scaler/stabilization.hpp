// The HPA's stabilization of recommendations (horizontal.go: stabilizeRecommendation and
// stabilizeRecommendationWithBehaviors): every recommendation is logged with its time, and the
// count applied is held back by the recent ones, so a dip or a spike of one period does not
// make instances come and go.
//
// The log keeps its size bounded as the HPA's does: a new recommendation takes the place of
// one that has left every window (the last such in the log), or is appended when none has.
#pragma once

#include <vector>

#include "group_observation.hpp"

namespace mirari::policies {

struct TimedRecommendation {
  int replicas = 0;
  Millis at = 0;
  friend bool operator==(const TimedRecommendation&, const TimedRecommendation&) = default;
};

using RecommendationLog = std::vector<TimedRecommendation>;

// Without a behaviour: the highest of desired and the recommendations of the last window
// (those at or after now - window), so the count goes down only once every recommendation of
// the window allows it. Logs desired at now.
int stabilize(RecommendationLog& log, int desired, Millis now, Millis window);

// With a behaviour: current brought up to the lowest recommendation of the scale-up window
// and down to the highest of the scale-down window (each window holding desired and the
// recommendations after now - window). Logs desired at now.
int stabilize_with_behavior(RecommendationLog& log, int desired, int current, Millis now,
                            Millis up_window, Millis down_window);

}  // namespace mirari::policies
