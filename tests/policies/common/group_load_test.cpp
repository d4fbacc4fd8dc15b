// A group's load: who belongs, who is ready, whose load counts; and the graph's incremental
// form agreeing with the whole recomputation through every kind of change.
#include <catch2/catch.hpp>

#include <cmath>
#include <limits>

#include "group_fixture.hpp"
#include "group_load.hpp"
#include "mirari/mirari.hpp"

namespace mirari::policies {
namespace {

using ports::InstancesActual;
using ports::InstanceState;
using ports::load::LoadByInstance;
using test::web_membership;

TEST_CASE("instances.actual says who belongs and who is ready") {
  const InstancesActual actual{{"web-1", {"web", InstanceState::running, 0}},
                               {"web-2", {"web", InstanceState::running, 0}},
                               {"web-3", {"web", InstanceState::starting, 0}},
                               {"web-4", {"web", InstanceState::stopping, 0}},
                               {"web-5", {"web", InstanceState::exited, 0}},
                               {"web-6", {"web", InstanceState::failed, 0}},
                               {"db-1", {"db", InstanceState::running, 0}}};
  const LoadByInstance load{{"web-1", 0.5}, {"web-3", 0.9}, {"web-4", 0.9},   {"web-5", 0.9},
                            {"web-6", 0.9}, {"db-1", 0.9},  {"web-gone", 0.9}};
  const GroupLoad g = group_load(web_membership(), actual, load);
  CHECK(g == GroupLoad{2, 1, 1, 500});
  CHECK(g.live() == 3);
  CHECK(g.missing() == 1);
  CHECK(g.mean_load() == 0.5);
}

TEST_CASE(
    "while instances.actual is empty, the group is load.by_instance's names with the prefix") {
  const LoadByInstance load{{"web-1", 0.25}, {"web-2", 0.75}, {"webby", 0.9}, {"db-1", 0.9}};
  const GroupLoad g = group_load(web_membership(), {}, load);
  CHECK(g == GroupLoad{2, 0, 2, 1000});
  CHECK(g.mean_load() == 0.5);
}

TEST_CASE("while instances.actual is empty, configured members without a load are missing") {
  const Membership m{"web", "web-", {"front-a", "front-b", "front-c"}};
  const LoadByInstance load{{"front-a", 0.4}, {"web-1", 0.9}};
  CHECK(group_load(m, {}, load) == GroupLoad{3, 0, 1, 400});
}

TEST_CASE("a group with no member reporting has no mean load") {
  CHECK_FALSE(GroupLoad{}.mean_load());
  CHECK_FALSE(GroupLoad{3, 1, 0, 0}.mean_load());
}

TEST_CASE("loads are read in thousandths, from 0 to a billion") {
  CHECK(load_milli(0.4567) == 457);
  CHECK(load_milli(0.0004) == 0);
  CHECK(load_milli(-2.0) == 0);
  CHECK(load_milli(std::nan("")) == 0);
  CHECK(load_milli(std::numeric_limits<double>::infinity()) == 1'000'000'000'000);
  CHECK(load_milli(1e300) == 1'000'000'000'000);
}

// The graph's form, fed the same tables, against the whole recomputation.
struct Pipeline {
  Graph graph;
  Source<InstancesActual> actual = graph.source<InstancesActual>({});
  Source<LoadByInstance> load = graph.source<LoadByInstance>({});
  Membership membership;
  Signal<GroupLoad> out;

  explicit Pipeline(Membership m) : membership(std::move(m)) {
    out = group_load(membership, actual.signal(), load.signal());
  }
  void set(const InstancesActual& a, const LoadByInstance& l) {
    actual.set(a);
    load.set(l);
    graph.run_until_idle();
  }
  GroupLoad expected() const { return group_load(membership, actual.value(), load.value()); }
};

TEST_CASE("the graph's group load agrees with the recomputation through every change") {
  Pipeline p(web_membership());
  CHECK(p.out.value() == GroupLoad{});

  LoadByInstance load{{"web-1", 0.5}, {"web-2", 0.7}, {"db-1", 3.0}};
  p.set({}, load);
  CHECK(p.out.value() == GroupLoad{2, 0, 2, 1200});

  // The manager appears: its list replaces the prefix.
  InstancesActual actual{{"web-1", {"web", InstanceState::running, 0}},
                         {"web-3", {"web", InstanceState::starting, 0}}};
  p.set(actual, load);
  CHECK(p.out.value() == GroupLoad{1, 1, 1, 500});
  CHECK(p.out.value() == p.expected());

  // web-3 becomes ready and reports; web-1 stops; a load changes.
  actual = actual.set("web-3", {"web", InstanceState::running, 10})
               .set("web-1", {"web", InstanceState::stopping, 10});
  load = load.set("web-3", 0.25).set("web-1", 0.9);
  p.set(actual, load);
  CHECK(p.out.value() == GroupLoad{1, 0, 1, 250});
  CHECK(p.out.value() == p.expected());

  // An instance moves to another group; a load disappears.
  actual = actual.set("web-3", {"db", InstanceState::running, 20});
  load = load.erase("web-3");
  p.set(actual, load);
  CHECK(p.out.value() == GroupLoad{});
  CHECK(p.out.value() == p.expected());

  // The manager's list empties: the prefix rules again.
  p.set({}, load);
  CHECK(p.out.value() == GroupLoad{2, 0, 2, 1600});
  CHECK(p.out.value() == p.expected());
}

TEST_CASE("the graph's group load follows configured members") {
  Pipeline p(Membership{"web", "web-", {"a", "b"}});
  CHECK(p.out.value() == GroupLoad{2, 0, 0, 0});
  p.set({}, {{"a", 1.5}, {"web-1", 0.5}});
  CHECK(p.out.value() == GroupLoad{2, 0, 1, 1500});
  CHECK(p.out.value() == p.expected());
}

TEST_CASE("a change that leaves the group's load as it was does not wake the scaler") {
  Pipeline p(web_membership());
  p.set({}, {{"web-1", 0.5}});
  int woken = 0;
  observe(changes(p.out), [&](const GroupLoad&) { ++woken; });
  p.set({}, {{"web-1", 0.5}, {"db-1", 0.8}});
  CHECK(woken == 0);
  p.set({}, {{"web-1", 0.6}, {"db-1", 0.8}});
  CHECK(woken == 1);
}

}  // namespace
}  // namespace mirari::policies
