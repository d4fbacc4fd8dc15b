#include "stabilization.hpp"

#include <algorithm>
#include <optional>

namespace mirari::policies {

namespace {

void record(RecommendationLog& log, std::optional<std::size_t> replaceable, int desired,
            Millis now) {
  if (replaceable) {
    log[*replaceable] = {desired, now};
  } else {
    log.push_back({desired, now});
  }
}

}  // namespace

int stabilize(RecommendationLog& log, int desired, Millis now, Millis window) {
  const Millis cutoff = now - window;
  int highest = desired;
  std::optional<std::size_t> old;
  for (std::size_t i = 0; i < log.size(); ++i) {
    if (log[i].at < cutoff) {
      old = i;
    } else {
      highest = std::max(highest, log[i].replicas);
    }
  }
  record(log, old, desired, now);
  return highest;
}

int stabilize_with_behavior(RecommendationLog& log, int desired, int current, Millis now,
                            Millis up_window, Millis down_window) {
  const Millis up_cutoff = now - up_window;
  const Millis down_cutoff = now - down_window;
  int up = desired;
  int down = desired;
  std::optional<std::size_t> old;
  for (std::size_t i = 0; i < log.size(); ++i) {
    const TimedRecommendation& r = log[i];
    if (r.at > up_cutoff) up = std::min(up, r.replicas);
    if (r.at > down_cutoff) down = std::max(down, r.replicas);
    if (r.at < up_cutoff && r.at < down_cutoff) old = i;
  }
  int recommendation = current;
  if (recommendation < up) recommendation = up;
  if (recommendation > down) recommendation = down;
  record(log, old, desired, now);
  return recommendation;
}

}  // namespace mirari::policies
