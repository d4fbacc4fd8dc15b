// What plugin instances do with ports, held against what their plugins declare
// (mirari/port_declaration.hpp).
//
// Invariants:
// - Every port an enrolled instance subscribes or publishes is recorded under the instance
//   until it is withdrawn, declared or not.
// - A use the instance's declarations do not cover is logged as a warning, in the instance's
//   log, once per instance, port and direction, however often the plugin uses it.
// - An owner's record goes when it is withdrawn, before the graph may give its id to another.
// Graph thread only.
#pragma once

#include <spdlog/logger.h>

#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "mirari/config.hpp"
#include "mirari/graph.hpp"
#include "mirari/port_declaration.hpp"

namespace mirari::host {

class PortAudit {
 public:
  // Listens to graph's port uses until destroyed.
  explicit PortAudit(Graph& graph);
  ~PortAudit();
  PortAudit(const PortAudit&) = delete;
  PortAudit& operator=(const PortAudit&) = delete;

  // From now on, owner's port uses are instance's, checked against declared as configured by
  // config; warnings go to log, which must outlive the enrolment.
  void enroll(OwnerId owner, std::string instance, std::vector<PortDecl> declared, Config config,
              spdlog::logger& log);
  // Forgets owner (before the graph releases its id). Does nothing for an owner not enrolled.
  void withdraw(OwnerId owner) noexcept;

  // The meaning of port as declared by its publisher (an instance name, as PortInfo gives it),
  // else by an enrolled instance that subscribed it; empty when none declares it.
  std::string meaning(const std::string& port, const std::string& publisher) const;

 private:
  struct Enrolled {
    std::string instance;
    std::vector<PortDecl> declared;
    Config config;
    spdlog::logger* log;
    std::set<std::pair<std::string, PortDirection>> used;
  };
  void heard(OwnerId owner, const std::string& port, PortDirection direction);

  Graph& graph_;
  std::map<OwnerId, Enrolled> enrolled_;
};

}  // namespace mirari::host
