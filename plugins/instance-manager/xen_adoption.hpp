// Which domains a starting xen backend takes over, with no libxen call (tested against
// canned domain lists; xen_toolstack.cpp lists the domains).
//
// A domain is the instance the state file recorded under its name only if it bears that
// name and the UUID recorded for it (the backend gives every domain a fresh UUID and records
// it before creating the domain, so a crash between the two still finds it). A domain id is
// not an identity: Xen reuses them, and a saved and restored domain gets a new one.
//
// Invariant: nothing outside adopted is ever acted on — a domain named like one of the
// group's instances but not recorded so (another toolstack's, or a leftover whose record was
// lost) is only reported in strangers, and left alone.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "state_file.hpp"

namespace mirari::instances {

struct ListedDomain {
  std::uint32_t domid = 0;
  std::string uuid;         // 8-4-4-4-12 hex digits, lower case
  std::string name;         // empty when it has none
  std::uint32_t flags = 0;  // xen_domain_state.hpp: domain_flags
  friend bool operator==(const ListedDomain&, const ListedDomain&) = default;
};

struct AdoptionPlan {
  // Recorded instances (starting, running or stopping) whose domain is listed: name → it.
  std::map<std::string, ListedDomain> adopted;
  // Recorded instances (starting, running or stopping) with no such domain.
  std::vector<std::string> gone;
  // Listed domains named GROUP-N or like a recorded instance, not adopted: left alone.
  std::vector<ListedDomain> strangers;
  friend bool operator==(const AdoptionPlan&, const AdoptionPlan&) = default;
};

AdoptionPlan plan_adoption(const RecordedState& state, const std::vector<ListedDomain>& domains,
                           std::string_view group);

}  // namespace mirari::instances
