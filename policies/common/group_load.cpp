#include "group_load.hpp"

#include <algorithm>
#include <cmath>
#include <functional>
#include <string>

#include <mirari/collections.hpp>
#include <mirari/combinators.hpp>

namespace mirari::policies {

namespace {

using ports::InstancesActual;
using ports::InstanceState;
using ports::InstanceStatus;
using ports::load::LoadByInstance;
using Members = Table<std::string, InstanceState>;

constexpr double kMaxLoad = 1e9;

// A member's state and, once joined with load.by_instance, its load.
struct Loaded {
  InstanceState state = InstanceState::running;
  std::int64_t milli = 0;
  friend bool operator==(const Loaded&, const Loaded&) = default;
};

bool in_group(const Membership& m, const std::string& name) {
  if (!m.members.empty()) return std::binary_search(m.members.begin(), m.members.end(), name);
  return name.starts_with(m.prefix);
}

template <class T>
T count_of(const Table<InstanceState, T>& table, InstanceState state) {
  const T* n = table.find(state);
  return n == nullptr ? T{} : *n;
}

}  // namespace

std::optional<double> GroupLoad::mean_load() const noexcept {
  if (reporting == 0) return std::nullopt;
  return static_cast<double>(load_milli) / 1000.0 / reporting;
}

std::int64_t load_milli(double load) noexcept {
  if (!(load > 0)) return 0;  // negative, zero or NaN
  return static_cast<std::int64_t>(std::llround(std::min(load, kMaxLoad) * 1000.0));
}

GroupLoad group_load(const Membership& membership, const InstancesActual& actual,
                     const LoadByInstance& load) {
  GroupLoad g;
  auto count = [&](const std::string& name, InstanceState state) {
    if (state == InstanceState::starting) ++g.starting;
    if (state != InstanceState::running) return;
    ++g.running;
    if (const double* l = load.find(name)) {
      ++g.reporting;
      g.load_milli += load_milli(*l);
    }
  };
  if (!actual.empty()) {
    for (const auto& [name, status] : actual) {
      if (status.group == membership.group) count(name, status.state);
    }
  } else if (!membership.members.empty()) {
    for (const std::string& name : membership.members) count(name, InstanceState::running);
  } else {
    for (const auto& [name, value] : load) {
      if (in_group(membership, name)) count(name, InstanceState::running);
    }
  }
  return g;
}

Signal<GroupLoad> group_load(const Membership& membership, Signal<InstancesActual> actual,
                             Signal<LoadByInstance> load) {
  Graph& graph = actual.node()->graph();

  // The members by instances.actual, and by the configuration.
  const std::string group = membership.group;
  Signal<Members> listed =
      map_values(filter(actual, [group](const InstanceStatus& s) { return s.group == group; }),
                 [](const InstanceStatus& s) { return s.state; });
  Signal<Members> configured;
  if (!membership.members.empty()) {
    Members::Builder names;
    for (const std::string& name : membership.members) names.set(name, InstanceState::running);
    configured = graph.source<Members>(names.build()).signal();
  } else {
    configured =
        map_values(filter(load, [membership](const std::string& name,
                                             const double&) { return in_group(membership, name); }),
                   [](const double&) { return InstanceState::running; });
  }
  Signal<Members> members = switch_(map(actual, [listed, configured](const InstancesActual& a) {
    return a.empty() ? configured : listed;
  }));

  const auto by_state = [](const InstanceState& s) { return s; };
  const auto loaded_state = [](const Loaded& l) { return l.state; };
  auto sizes = group_by(members, by_state, agg::count());
  auto loaded =
      join(members, load, [](const std::string&, const InstanceState& s, const double& l) {
        return Loaded{s, load_milli(l)};
      });
  auto reporting = group_by(loaded, loaded_state, agg::count());
  auto sums = group_by(loaded, loaded_state,
                       agg::sum([](const Loaded& l) { return static_cast<double>(l.milli); }));

  return lift(sizes, reporting, sums,
              [](const Table<InstanceState, std::size_t>& sizes,
                 const Table<InstanceState, std::size_t>& reporting,
                 const Table<InstanceState, double>& sums) {
                GroupLoad g;
                g.running = static_cast<int>(count_of(sizes, InstanceState::running));
                g.starting = static_cast<int>(count_of(sizes, InstanceState::starting));
                g.reporting = static_cast<int>(count_of(reporting, InstanceState::running));
                g.load_milli =
                    static_cast<std::int64_t>(std::llround(count_of(sums, InstanceState::running)));
                return g;
              });
}

}  // namespace mirari::policies
