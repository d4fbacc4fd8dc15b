// What the graph and the backend exchange: the backend reports what it runs (Observed, an
// input), the reconciler answers with what to do about it (Plan, applied by an effect).
//
// A plan is only valid for the state it was computed from: it carries that state's version,
// and the backend applies it only while its own state is still that version. A plan computed
// from a report the backend has since moved past is dropped; the backend's newer report is
// already on its way into the graph, and the plan computed from it replaces the dropped one.
// So no action is ever taken twice, or on a stale view of what runs.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "instance_types.hpp"

namespace mirari::instances {

// The backend's report.
struct Observed {
  std::uint64_t version = 0;      // raised by every change the backend reports
  std::uint64_t next_serial = 1;  // the number the next new instance's name ends with
  InstancesActual instances;
  friend bool operator==(const Observed&, const Observed&) = default;
};

struct Action {
  enum class Kind {
    create,  // start a new instance `name` (never known before) running spec
    retry,   // start the failed instance `name` again, running spec
    stop,    // stop the starting or running instance `name`
    forget,  // drop the exited or failed instance `name` and its directory
  };
  Kind kind = Kind::create;
  std::string name;
  std::optional<std::string> extra;  // create: the extra key it runs for; none for a member
  std::uint64_t serial = 0;          // create: the number name ends with
  InstanceSpec spec;                 // create, retry
  friend bool operator==(const Action&, const Action&) = default;
};

struct Plan {
  std::uint64_t version = 0;  // of the Observed it was computed from
  std::vector<Action> actions;
  // When the plan may change with nothing else changing (a back-off ends): the backend
  // writes the clock input then. On clock.ms's clock (clock_ms.hpp).
  std::optional<std::int64_t> wake_at;
  friend bool operator==(const Plan&, const Plan&) = default;
};

}  // namespace mirari::instances
