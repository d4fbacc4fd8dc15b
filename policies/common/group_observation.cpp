#include "group_observation.hpp"

#include <mirari/combinators.hpp>

namespace mirari::policies {

Signal<Observation> observe_group(Context& ctx, const Membership& membership) {
  auto load = group_load(membership, ctx.subscribe<ports::InstancesActual>(ports::kInstancesActual),
                         ctx.subscribe<ports::load::LoadByInstance>(ports::load::kByInstance));
  auto now = ctx.subscribe<ports::ClockMs>(ports::kClock);
  return lift(load, now,
              [](const GroupLoad& l, const Millis& t) {
                return Observation{l, t};
              })
      .named(membership.group + ".observation");
}

}  // namespace mirari::policies
