#include "group_observation.hpp"

#include <mirari/combinators.hpp>
#include <mirari/ports/scaling.hpp>

namespace mirari::policies {

std::vector<PortDecl> scaler_ports() {
  return {
      PortDecl::subscribes<ports::InstancesActual>("{instances_port}",
                                                   "the group's members, and which of them run"),
      PortDecl::subscribes<ports::load::LoadByInstance>("{load_port}",
                                                        "each running member's load"),
      PortDecl::subscribes<ports::ClockMs>(ports::kClock, "the time, to end holds and cooldowns"),
      PortDecl::publishes<ports::DesiredCount>(
          ports::kDesiredCountPattern,
          "how many instances of the group the policy wants, starting and running ones "
          "counted")};
}

Signal<Observation> observe_group(Context& ctx, const Membership& membership) {
  auto load =
      group_load(membership, ctx.subscribe<ports::InstancesActual>(membership.instances_port),
                 ctx.subscribe<ports::load::LoadByInstance>(membership.load_port));
  auto now = ctx.subscribe<ports::ClockMs>(ports::kClock);
  return lift(load, now,
              [](const GroupLoad& l, const Millis& t) {
                return Observation{l, t};
              })
      .named(membership.group + ".observation");
}

}  // namespace mirari::policies
