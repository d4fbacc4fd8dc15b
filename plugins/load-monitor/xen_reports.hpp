// Reports that guests make through XenStore: the values under a domain's data/ directory,
// as the XenStore watcher publishes them (xen.data). A guest that writes data/load = 0.42
// reports, under its domain's name, what an instance writing "web-1 load 0.42" to the
// socket does; a domain that goes takes its instance's load with it.
#pragma once

#include <vector>

#include "load_ports.hpp"
#include "report_parser.hpp"

namespace mirari::load {

// The reports that lead from before to after: every value that is new or changed, of a
// domain that has a name, found in O(domains changed) (mirari::diff). Each is checked as a
// report line's fields are; values that are not numbers (guests keep other things under
// data/ too) are left out, not refused: xen.data still carries them.
std::vector<Report> xen_reports(const ports::xen::DataByDomain& before,
                                const ports::xen::DataByDomain& after);

// The instances that reported through XenStore in before and are gone in after: their
// domain, or its data/, went, or the domain took another name.
std::vector<std::string> xen_instances_gone(const ports::xen::DataByDomain& before,
                                            const ports::xen::DataByDomain& after);

}  // namespace mirari::load
