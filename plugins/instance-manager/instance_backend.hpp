// What the reconciler's plugin needs from a backend, whichever runs the instances (processes
// of this host: process_backend.hpp; Xen domains: xen_backend.hpp). The plugin adapter
// (instance_manager_plugin.hpp) drives every backend through this interface alone.
//
// Invariant every backend keeps: it acts only on plans (plan.hpp) given to apply(), each an
// effect of a committed tick, and only while the plan was computed from its latest report;
// what it learns becomes a new report, written to Outputs as an input.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include <mirari/graph.hpp>
#include <mirari/source.hpp>

#include "instance_types.hpp"
#include "plan.hpp"

namespace mirari::instances {

class InstanceBackend {
 public:
  // Written after each change: the report and the changes since the previous one, as one
  // batch; the clock when a plan's wake_at passes.
  struct Outputs {
    Graph* graph = nullptr;
    Source<Observed> observed;
    EventSource<std::vector<InstanceEvent>> events;
    Source<std::int64_t> clock;  // clock_ms() (clock_ms.hpp)
  };
  enum class Level { info, warn };
  using Log = std::function<void(Level, const std::string&)>;

  virtual ~InstanceBackend() = default;

  // The current report (after construction: what was adopted).
  virtual Observed observed() const = 0;
  // The spec each recorded extra key runs (of its newest instance that is not stopping).
  virtual InstanceSpecs recorded_extras() const = 0;
  // Counted members recorded as starting, running or failed.
  virtual std::int64_t recorded_members() const = 0;

  // Starts watching the adopted instances and writing reports to outputs. Call once.
  virtual void follow(Outputs outputs) = 0;
  // Carries out plan on the event loop if it was computed from the latest report (see
  // plan.hpp), and wakes the clock at its wake_at. From effects.
  virtual void apply(Plan plan) = 0;
  // Takes the latest instances.config for the backend's running instances. From effects.
  virtual void deliver(InstanceConfigs configs) = 0;
  // Stops watching. Leaves every instance running. Idempotent.
  virtual void stop() = 0;
};

}  // namespace mirari::instances
