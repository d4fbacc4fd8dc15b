#include "reconciler.hpp"

#include <algorithm>
#include <map>
#include <optional>
#include <stdexcept>
#include <utility>
#include <vector>

#include "instance_name.hpp"
#include "spec_rules.hpp"

namespace mirari::instances {

namespace {

struct Member {
  const std::string* name;
  const InstanceStatus* instance;
};

struct Slot {
  std::string base;  // what its instances' names start with
  std::optional<std::string> extra;
  std::int64_t count = 0;
  const InstanceSpec* spec = nullptr;  // null for a slot whose extra entry went (count 0)
  std::string spec_hash;
  std::vector<Member> members;
};

// One slot's share of the plan, built in the order the actions are taken.
class SlotPlanner {
 public:
  SlotPlanner(const GroupRules& rules, const LoadTable& load, std::int64_t now, Plan& plan,
              std::uint64_t& serial)
      : rules_(rules), load_(load), now_(now), plan_(plan), serial_(serial) {}

  void plan(const Slot& slot) {
    std::vector<Member> current;   // starting, running or failed, with the slot's spec
    std::vector<Member> outdated;  // running, with another spec
    for (const Member& m : slot.members) {
      const InstanceStatus& i = *m.instance;
      if (i.state == InstanceState::exited) {
        act(Action::Kind::forget, m);
      } else if (i.state == InstanceState::stopping) {
        continue;
      } else if (slot.spec != nullptr && i.spec_hash == slot.spec_hash) {
        current.push_back(m);
      } else if (i.state == InstanceState::running) {
        outdated.push_back(m);
      } else {
        act(i.state == InstanceState::failed ? Action::Kind::forget : Action::Kind::stop, m);
      }
    }

    const auto count = static_cast<std::size_t>(slot.count);
    if (current.size() > count) {
      order_surplus(current);
      for (std::size_t i = 0; i < current.size() - count; ++i) {
        const bool failed = current[i].instance->state == InstanceState::failed;
        act(failed ? Action::Kind::forget : Action::Kind::stop, current[i]);
      }
      current.erase(current.begin(), current.end() - static_cast<std::ptrdiff_t>(count));
    }

    std::size_t running = 0;
    for (const Member& m : current) {
      const InstanceStatus& i = *m.instance;
      if (i.state == InstanceState::running) ++running;
      if (i.state != InstanceState::failed) continue;
      if (now_ >= i.retry_at) {
        Action retry = make(Action::Kind::retry, *m.name);
        retry.spec = *slot.spec;
        plan_.actions.push_back(std::move(retry));
      } else {
        plan_.wake_at = std::min(plan_.wake_at.value_or(i.retry_at), i.retry_at);
      }
    }

    // Fill the count, keeping what runs within count + surge while outdated ones remain.
    const auto live = static_cast<std::int64_t>(current.size());
    const auto old = static_cast<std::int64_t>(outdated.size());
    const std::int64_t creates =
        std::min(slot.count - live, slot.count + rules_.surge - live - old);
    for (std::int64_t i = 0; i < creates; ++i) {
      const std::uint64_t serial = serial_++;
      Action create = make(Action::Kind::create, instance_name(slot.base, serial));
      create.extra = slot.extra;
      create.serial = serial;
      create.spec = *slot.spec;
      plan_.actions.push_back(std::move(create));
    }

    // An outdated instance stops once a current one runs in its place.
    const std::int64_t beyond = static_cast<std::int64_t>(running) + old - slot.count;
    const auto stops = static_cast<std::size_t>(std::clamp<std::int64_t>(beyond, 0, old));
    order_running(outdated);
    for (std::size_t i = 0; i < stops; ++i) act(Action::Kind::stop, outdated[i]);
  }

 private:
  static Action make(Action::Kind kind, std::string name) {
    Action a;
    a.kind = kind;
    a.name = std::move(name);
    return a;
  }
  void act(Action::Kind kind, const Member& m) { plan_.actions.push_back(make(kind, *m.name)); }

  double load_of(const Member& m) const {
    const double* load = load_.find(*m.name);
    return load != nullptr ? *load : 0.0;
  }

  // Youngest first; names break ties so that the order never depends on the table's.
  static bool younger(const Member& a, const Member& b) {
    if (a.instance->since != b.instance->since) return a.instance->since > b.instance->since;
    return *a.name > *b.name;
  }

  // Running instances, the first to go first.
  void order_running(std::vector<Member>& members) const {
    std::sort(members.begin(), members.end(), [this](const Member& a, const Member& b) {
      switch (rules_.victim) {
        case VictimRule::oldest:
          if (a.instance->since != b.instance->since) {
            return a.instance->since < b.instance->since;
          }
          return *a.name < *b.name;
        case VictimRule::least_loaded:
          if (load_of(a) != load_of(b)) return load_of(a) < load_of(b);
          return younger(a, b);
        case VictimRule::youngest:
          break;
      }
      return younger(a, b);
    });
  }

  // Failed first, then starting (youngest first), then running by the victim rule.
  void order_surplus(std::vector<Member>& members) const {
    const auto rank = [](const Member& m) {
      switch (m.instance->state) {
        case InstanceState::failed:
          return 0;
        case InstanceState::starting:
          return 1;
        default:
          return 2;
      }
    };
    std::vector<Member> running;
    std::vector<Member> others;
    for (const Member& m : members) (rank(m) == 2 ? running : others).push_back(m);
    std::sort(others.begin(), others.end(), [&](const Member& a, const Member& b) {
      if (rank(a) != rank(b)) return rank(a) < rank(b);
      return younger(a, b);
    });
    order_running(running);
    members = std::move(others);
    members.insert(members.end(), running.begin(), running.end());
  }

  const GroupRules& rules_;
  const LoadTable& load_;
  std::int64_t now_;
  Plan& plan_;
  std::uint64_t& serial_;
};

}  // namespace

std::string_view to_string(VictimRule rule) noexcept {
  switch (rule) {
    case VictimRule::youngest:
      return "youngest";
    case VictimRule::oldest:
      return "oldest";
    case VictimRule::least_loaded:
      return "least-loaded";
  }
  return "youngest";
}

Reconciler::Reconciler(GroupRules rules)
    : rules_(std::move(rules)), spec_hash_(spec_hash(rules_.spec)) {}

Plan Reconciler::plan(std::int64_t desired, const InstanceSpecs& extras, const Observed& observed,
                      const LoadTable& load, std::int64_t now) const {
  Slot group{rules_.group, std::nullopt, std::clamp(desired, rules_.min, rules_.max),
             &rules_.spec, spec_hash_,   {}};
  std::map<std::string, Slot> slots;  // by extra key
  for (const auto& [key, spec] : extras) {
    if (spec.group != rules_.group) continue;
    if (!is_slot_name(key)) {
      throw std::invalid_argument("instances.desired.extra: key '" + key +
                                  "' is not a name of 1 to " + std::to_string(kMaxSlotNameLength) +
                                  " letters, digits, '-' or '_'");
    }
    if (auto problem = spec_problem(spec)) {
      throw std::invalid_argument("instances.desired.extra: entry '" + key +
                                  "': " + problem->message);
    }
    slots.emplace(key, Slot{key, key, 1, &spec, spec_hash(spec), {}});
  }
  for (const auto& [name, instance] : observed.instances) {
    if (!instance.extra) {
      group.members.push_back({&name, &instance});
      continue;
    }
    auto [slot, added] = slots.try_emplace(*instance.extra);
    if (added) {
      slot->second.base = *instance.extra;
      slot->second.extra = instance.extra;
    }
    slot->second.members.push_back({&name, &instance});
  }

  Plan plan;
  plan.version = observed.version;
  std::uint64_t serial = observed.next_serial;
  SlotPlanner planner(rules_, load, now, plan, serial);
  const auto by_name = [](const Member& a, const Member& b) { return *a.name < *b.name; };
  std::sort(group.members.begin(), group.members.end(), by_name);
  planner.plan(group);
  for (auto& [key, slot] : slots) {
    std::sort(slot.members.begin(), slot.members.end(), by_name);
    planner.plan(slot);
  }
  return plan;
}

}  // namespace mirari::instances
