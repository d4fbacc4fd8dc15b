// The reconciler as a pure function: counts up and down, victim rules, replace ordering,
// back-off, clamping and extras, without a process in sight.
#include <catch2/catch.hpp>

#include <algorithm>
#include <functional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "backoff.hpp"
#include "reconciler.hpp"

using mirari::instances::Action;
using mirari::instances::Backoff;
using mirari::instances::GroupRules;
using mirari::instances::LoadTable;
using mirari::instances::Observed;
using mirari::instances::Plan;
using mirari::instances::Reconciler;
using mirari::instances::VictimRule;
using mirari::ports::InstanceSpec;
using mirari::ports::InstanceSpecs;
using mirari::ports::InstanceState;
using mirari::ports::InstanceStatus;
using mirari::ports::spec_hash;
using Kind = mirari::instances::Action::Kind;

namespace {

const InstanceSpec kWeb{"web", "/usr/bin/web", {"--port", "8080"}, {}};
const InstanceSpec kWebV2{"web", "/usr/bin/web", {"--port", "8081"}, {}};

GroupRules rules(VictimRule victim = VictimRule::youngest) {
  GroupRules r;
  r.group = "web";
  r.spec = kWeb;
  r.min = 0;
  r.max = 10;
  r.surge = 1;
  r.victim = victim;
  return r;
}

InstanceStatus instance(InstanceState state, std::int64_t since, const InstanceSpec& spec = kWeb) {
  InstanceStatus i;
  i.group = "web";
  i.spec_hash = spec_hash(spec);
  i.backend_id = 1000 + since;
  i.state = state;
  i.since = since;
  return i;
}

Observed observed(std::vector<std::pair<std::string, InstanceStatus>> instances,
                  std::uint64_t next_serial = 100, std::uint64_t version = 7) {
  Observed o;
  o.version = version;
  o.next_serial = next_serial;
  for (auto& [name, i] : instances) o.instances = o.instances.set(name, i);
  return o;
}

using Steps = std::vector<std::pair<Kind, std::string>>;

// The (kind, name) of each action, in order.
Steps steps(const Plan& plan) {
  Steps out;
  for (const Action& a : plan.actions) out.emplace_back(a.kind, a.name);
  return out;
}

Plan plan(const Reconciler& r, std::int64_t desired, const Observed& o, const LoadTable& load = {},
          std::int64_t now = 1'000'000, const InstanceSpecs& extras = {}) {
  return r.plan(desired, extras, o, load, now);
}

// A backend that does what plans say, and in which time passes when asked: starting
// instances come to run, stopping ones exit.
struct Simulation {
  Observed state = observed({}, 1, 1);
  std::int64_t now = 1'000;

  void apply(const Plan& p) {
    REQUIRE(p.version == state.version);
    for (const Action& a : p.actions) {
      switch (a.kind) {
        case Kind::create: {
          InstanceStatus i = instance(InstanceState::starting, now, a.spec);
          i.extra = a.extra;
          state.instances = state.instances.set(a.name, i);
          state.next_serial = std::max(state.next_serial, a.serial + 1);
          break;
        }
        case Kind::retry:
          state.instances =
              state.instances.set(a.name, instance(InstanceState::starting, now, a.spec));
          break;
        case Kind::stop: {
          InstanceStatus i = state.instances.at(a.name);
          i.state = InstanceState::stopping;
          state.instances = state.instances.set(a.name, i);
          break;
        }
        case Kind::forget:
          state.instances = state.instances.erase(a.name);
          break;
      }
    }
    if (!p.actions.empty()) ++state.version;
  }

  // Every starting instance runs, every stopping one exits.
  void pass_time() {
    ++now;
    const auto before = state.instances;
    for (const auto& [name, i] : before) {
      InstanceStatus next = i;
      if (i.state == InstanceState::starting) next.state = InstanceState::running;
      if (i.state == InstanceState::stopping) next.state = InstanceState::exited;
      next.since = now;
      state.instances = state.instances.set(name, next);
    }
    ++state.version;
  }

  std::size_t count(InstanceState phase, const InstanceSpec* spec = nullptr) const {
    return static_cast<std::size_t>(
        std::count_if(state.instances.begin(), state.instances.end(), [&](const auto& entry) {
          return entry.second.state == phase &&
                 (spec == nullptr || entry.second.spec_hash == spec_hash(*spec));
        }));
  }
};

}  // namespace

TEST_CASE("scaling up creates the missing members under fresh names") {
  const Reconciler r(rules());
  const Plan p = plan(r, 3, observed({{"web-4", instance(InstanceState::running, 1)}}, 5));
  CHECK(p.version == 7);
  CHECK(steps(p) == Steps{{Kind::create, "web-5"}, {Kind::create, "web-6"}});
  CHECK(p.actions[0].serial == 5);
  CHECK(p.actions[1].serial == 6);
  CHECK(p.actions[0].spec == kWeb);
  CHECK_FALSE(p.actions[0].extra);
  CHECK_FALSE(p.wake_at);
}

TEST_CASE("starting and running members both count: no second create") {
  const Reconciler r(rules());
  const Plan p = plan(r, 2,
                      observed({{"web-1", instance(InstanceState::running, 1)},
                                {"web-2", instance(InstanceState::starting, 2)}}));
  CHECK(p.actions.empty());
}

TEST_CASE("stopping members are neither counted nor acted on") {
  const Reconciler r(rules());
  const Plan p = plan(r, 1,
                      observed({{"web-1", instance(InstanceState::running, 1)},
                                {"web-2", instance(InstanceState::stopping, 2)}}));
  CHECK(p.actions.empty());
  const Plan up = plan(r, 2, observed({{"web-2", instance(InstanceState::stopping, 2)}}, 3));
  CHECK(steps(up) == Steps{{Kind::create, "web-3"}, {Kind::create, "web-4"}});
}

TEST_CASE("scaling down stops the youngest running members by default") {
  const Reconciler r(rules());
  const Plan p = plan(r, 1,
                      observed({{"web-1", instance(InstanceState::running, 10)},
                                {"web-2", instance(InstanceState::running, 30)},
                                {"web-3", instance(InstanceState::running, 20)}}));
  CHECK(steps(p) == Steps{{Kind::stop, "web-2"}, {Kind::stop, "web-3"}});
}

TEST_CASE("victim rule oldest stops the members running longest") {
  const Reconciler r(rules(VictimRule::oldest));
  const Plan p = plan(r, 1,
                      observed({{"web-1", instance(InstanceState::running, 10)},
                                {"web-2", instance(InstanceState::running, 30)},
                                {"web-3", instance(InstanceState::running, 20)}}));
  CHECK(steps(p) == Steps{{Kind::stop, "web-1"}, {Kind::stop, "web-3"}});
}

TEST_CASE(
    "victim rule least-loaded stops the lowest load; no load counts as 0, ties go "
    "youngest first") {
  const Reconciler r(rules(VictimRule::least_loaded));
  const auto o = observed({{"web-1", instance(InstanceState::running, 10)},
                           {"web-2", instance(InstanceState::running, 30)},
                           {"web-3", instance(InstanceState::running, 20)},
                           {"web-4", instance(InstanceState::running, 40)}});
  const LoadTable load{{"web-1", 0.2}, {"web-2", 0.9}, {"web-3", 0.2}, {"gone-7", 0.0}};
  CHECK(steps(plan(r, 3, o, load)) == Steps{{Kind::stop, "web-4"}});
  CHECK(steps(plan(r, 1, o, load)) ==
        Steps{{Kind::stop, "web-4"}, {Kind::stop, "web-3"}, {Kind::stop, "web-1"}});
}

TEST_CASE("a surplus goes failed members first, then starting ones, then running ones") {
  const Reconciler r(rules(VictimRule::oldest));
  auto failed = instance(InstanceState::failed, 5);
  failed.retry_at = 2'000'000;
  const auto o = observed({{"web-1", instance(InstanceState::running, 1)},
                           {"web-2", instance(InstanceState::starting, 2)},
                           {"web-3", failed},
                           {"web-4", instance(InstanceState::starting, 4)},
                           {"web-5", instance(InstanceState::running, 3)}});
  CHECK(steps(plan(r, 4, o)) == Steps{{Kind::forget, "web-3"}});
  CHECK(steps(plan(r, 2, o)) ==
        Steps{{Kind::forget, "web-3"}, {Kind::stop, "web-4"}, {Kind::stop, "web-2"}});
  CHECK(steps(plan(r, 0, o)) == Steps{{Kind::forget, "web-3"},
                                      {Kind::stop, "web-4"},
                                      {Kind::stop, "web-2"},
                                      {Kind::stop, "web-1"},
                                      {Kind::stop, "web-5"}});
}

TEST_CASE("the desired count is clamped into [min, max]") {
  GroupRules bounded = rules();
  bounded.min = 1;
  bounded.max = 3;
  const Reconciler r(bounded);
  CHECK(plan(r, 50, observed({}, 1)).actions.size() == 3);
  CHECK(steps(plan(r, -4, observed({}, 1))) == Steps{{Kind::create, "web-1"}});
  CHECK(steps(plan(r, 0, observed({{"web-1", instance(InstanceState::running, 1)}}))).empty());
}

TEST_CASE("an exited member is forgotten and replaced under a new name") {
  const Reconciler r(rules());
  auto exited = instance(InstanceState::exited, 5);
  exited.status = 137;
  const Plan p =
      plan(r, 2, observed({{"web-1", instance(InstanceState::running, 1)}, {"web-2", exited}}, 3));
  CHECK(steps(p) == Steps{{Kind::forget, "web-2"}, {Kind::create, "web-3"}});
}

TEST_CASE(
    "a failed member holds its place until its back-off passes, then is retried under "
    "its name") {
  const Reconciler r(rules());
  auto failed = instance(InstanceState::failed, 1'000);
  failed.failures = 2;
  failed.retry_at = 3'000;
  const auto o = observed({{"web-1", failed}}, 2);

  const Plan waiting = plan(r, 1, o, {}, 2'999);
  CHECK(waiting.actions.empty());
  CHECK(waiting.wake_at == 3'000);

  const Plan due = plan(r, 1, o, {}, 3'000);
  CHECK(steps(due) == Steps{{Kind::retry, "web-1"}});
  CHECK(due.actions[0].spec == kWeb);
  CHECK_FALSE(due.wake_at);
}

TEST_CASE("the earliest back-off end is the plan's wake time") {
  const Reconciler r(rules());
  auto a = instance(InstanceState::failed, 1);
  a.retry_at = 9'000;
  auto b = instance(InstanceState::failed, 2);
  b.retry_at = 4'000;
  CHECK(plan(r, 2, observed({{"web-1", a}, {"web-2", b}}), {}, 1'000).wake_at == 4'000);
}

TEST_CASE("back-off doubles with each failure in a row, up to its maximum") {
  const Backoff b{std::chrono::milliseconds(100), std::chrono::milliseconds(1000)};
  CHECK(b.delay(1).count() == 100);
  CHECK(b.delay(2).count() == 200);
  CHECK(b.delay(4).count() == 800);
  CHECK(b.delay(5).count() == 1000);
  CHECK(b.delay(4'000'000'000U).count() == 1000);
  CHECK(b.delay(0).count() == 100);
}

TEST_CASE("replace starts one current member, and stops an outdated one only once it runs") {
  const Reconciler r(rules());
  const auto o = observed({{"web-1", instance(InstanceState::running, 1, kWebV2)},
                           {"web-2", instance(InstanceState::running, 2, kWebV2)}},
                          3);
  const Plan first = plan(r, 2, o);
  CHECK(steps(first) == Steps{{Kind::create, "web-3"}});

  const auto starting = observed({{"web-1", instance(InstanceState::running, 1, kWebV2)},
                                  {"web-2", instance(InstanceState::running, 2, kWebV2)},
                                  {"web-3", instance(InstanceState::starting, 3)}},
                                 4);
  CHECK(plan(r, 2, starting).actions.empty());

  const auto running = observed({{"web-1", instance(InstanceState::running, 1, kWebV2)},
                                 {"web-2", instance(InstanceState::running, 2, kWebV2)},
                                 {"web-3", instance(InstanceState::running, 3)}},
                                4);
  const Plan swap = plan(r, 2, running);
  CHECK(steps(swap) == Steps{{Kind::stop, "web-2"}});
}

TEST_CASE("replacing a whole group never leaves fewer running members than the count") {
  for (std::int64_t surge : {1, 2, 5}) {
    GroupRules g = rules();
    g.surge = surge;
    g.spec = kWebV2;
    const Reconciler r(g);
    Simulation sim;
    // Four members of the old spec, running.
    sim.apply(Reconciler(rules()).plan(4, {}, sim.state, {}, sim.now));
    sim.pass_time();
    REQUIRE(sim.count(InstanceState::running, &kWeb) == 4);

    for (int round = 0; round < 50 && sim.count(InstanceState::running, &kWebV2) < 4; ++round) {
      sim.apply(r.plan(4, {}, sim.state, {}, sim.now));
      CHECK(sim.count(InstanceState::running) >= 4);
      CHECK(sim.count(InstanceState::running) + sim.count(InstanceState::starting) <=
            4 + static_cast<std::size_t>(surge));
      sim.pass_time();
    }
    sim.apply(r.plan(4, {}, sim.state, {}, sim.now));
    sim.pass_time();
    sim.apply(r.plan(4, {}, sim.state, {}, sim.now));
    CHECK(sim.count(InstanceState::running, &kWebV2) == 4);
    CHECK(sim.state.instances.size() == 4);
  }
}

TEST_CASE("outdated members that do not run are dropped at once") {
  const Reconciler r(rules());
  auto failed = instance(InstanceState::failed, 2, kWebV2);
  failed.retry_at = 99'999'999;
  const Plan p = plan(
      r, 2,
      observed({{"web-1", instance(InstanceState::starting, 1, kWebV2)}, {"web-2", failed}}, 3));
  CHECK(steps(p) == Steps{{Kind::stop, "web-1"},
                          {Kind::forget, "web-2"},
                          {Kind::create, "web-3"},
                          {Kind::create, "web-4"}});
}

TEST_CASE("each extra entry of the group gets one instance named after its key") {
  const Reconciler r(rules());
  const InstanceSpec probe{"web", "/usr/bin/probe", {}, {"MODE=fast"}};
  const InstanceSpec other{"db", "/usr/bin/db", {}, {}};
  const InstanceSpecs extras{{"probe", probe}, {"db-primary", other}};
  const Plan p = plan(r, 0, observed({}, 4), {}, 1, extras);
  REQUIRE(steps(p) == Steps{{Kind::create, "probe-4"}});
  CHECK(p.actions[0].extra == "probe");
  CHECK(p.actions[0].spec == probe);
  CHECK(p.actions[0].serial == 4);

  // Counted members and extras are counted apart.
  auto running_probe = instance(InstanceState::running, 1, probe);
  running_probe.extra = "probe";
  const Plan both = plan(r, 1, observed({{"probe-4", running_probe}}, 5), {}, 1, extras);
  CHECK(steps(both) == Steps{{Kind::create, "web-5"}});
}

TEST_CASE("an extra whose entry went is stopped, and one whose spec changed is replaced") {
  const Reconciler r(rules());
  const InstanceSpec probe{"web", "/usr/bin/probe", {}, {}};
  const InstanceSpec probe2{"web", "/usr/bin/probe", {"--verbose"}, {}};
  auto running_probe = instance(InstanceState::running, 1, probe);
  running_probe.extra = "probe";
  const auto o = observed({{"probe-4", running_probe}}, 5);

  CHECK(steps(plan(r, 0, o)) == Steps{{Kind::stop, "probe-4"}});

  const InstanceSpecs changed{{"probe", probe2}};
  const Plan replace = plan(r, 0, o, {}, 1, changed);
  CHECK(steps(replace) == Steps{{Kind::create, "probe-5"}});
  auto new_probe = instance(InstanceState::running, 2, probe2);
  new_probe.extra = "probe";
  const Plan swap =
      plan(r, 0, observed({{"probe-4", running_probe}, {"probe-5", new_probe}}, 6), {}, 1, changed);
  CHECK(steps(swap) == Steps{{Kind::stop, "probe-4"}});
}

TEST_CASE("an extra entry of the group that cannot run is refused, naming it") {
  const Reconciler r(rules());
  const auto refused = [&](const InstanceSpecs& extras) -> std::string {
    try {
      plan(r, 0, observed({}), {}, 1, extras);
    } catch (const std::invalid_argument& e) {
      return e.what();
    }
    return "accepted";
  };
  CHECK(refused({{"probe", {"web", "probe", {}, {}}}}) ==
        "instances.desired.extra: entry 'probe': the command 'probe' is not an absolute path");
  CHECK(refused({{"probe", {"web", "/bin/probe", {}, {"=x"}}}}) ==
        "instances.desired.extra: entry 'probe': environment entry '=x' is not NAME=value");
  CHECK(refused({{"no/slash", {"web", "/bin/probe", {}, {}}}}) ==
        "instances.desired.extra: key 'no/slash' is not a name of 1 to 40 letters, digits, '-' "
        "or '_'");
  // Another group's entries are that group's manager's business.
  CHECK(refused({{"no/slash", {"db", "relative", {}, {}}}}) == "accepted");
}

TEST_CASE("the same inputs give the same plan") {
  const Reconciler r(rules(VictimRule::least_loaded));
  const auto o = observed({{"web-1", instance(InstanceState::running, 1)},
                           {"web-2", instance(InstanceState::running, 1)},
                           {"web-3", instance(InstanceState::exited, 1)}});
  CHECK(plan(r, 1, o) == plan(r, 1, o));
  CHECK(steps(plan(r, 1, o)) == Steps{{Kind::forget, "web-3"}, {Kind::stop, "web-2"}});
}
