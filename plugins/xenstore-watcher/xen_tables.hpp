// The watcher's four tables, made from the domains' trees (domain_trees.hpp), and the
// changes between two sets of them.
//
// A device is listed from its backend's directory, in whichever domain holds it (dom0, or a
// driver domain); its frontend state comes from the frontend domain's device/ directory.
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "domain_trees.hpp"
#include "xen_ports.hpp"

namespace mirari::xen {

struct XenTables {
  Domains domains;
  Devices vifs;
  Devices vbds;
  DataByDomain data;
  // The keys of the vifs and vbds whose backend or frontend lies in each domain, kept by
  // update_tables() so that a domain's change finds its devices without a scan of the
  // fleet's. Derived from vifs and vbds: not compared, not written.
  std::map<std::uint32_t, std::set<std::string>> vifs_by_domain;
  std::map<std::uint32_t, std::set<std::string>> vbds_by_domain;
  friend bool operator==(const XenTables& a, const XenTables& b) {
    return a.domains == b.domains && a.vifs == b.vifs && a.vbds == b.vbds && a.data == b.data;
  }
};

struct XenChanges {
  std::vector<XenDomainChange> domains;
  std::vector<XenDeviceChange> vifs;
  std::vector<XenDeviceChange> vbds;
  std::vector<XenDataChange> data;
  bool empty() const { return domains.empty() && vifs.empty() && vbds.empty() && data.empty(); }
};

// A state key's text ("4") as a state; anything else is unknown.
XenbusState parse_xenbus_state(const std::string& text);

XenTables make_tables(const DomainTrees& trees);

// Makes again, in tables, what the trees make of what reads says was read again (or went):
// the domain and data records of those domains, and the devices whose backend or frontend
// directory lies in what was read (a whole domain, or a device's directory); appends the
// changes. Records are made and compared only for those, not for the fleet, and each table
// is copied only along the paths that change: a guest's report, or one device's state in
// dom0 (which holds the backends of every guest's devices), costs the same with 10 guests as
// with 10,000.
void update_tables(XenTables& tables, const DomainTrees& trees, const DomainReads& reads,
                   XenChanges& changes);

// Appends the changes that lead from before to after, each table's in hash order.
void diff(const XenTables& before, const XenTables& after, XenChanges& changes);

void to_json(nlohmann::json& j, const XenTables& t);
void from_json(const nlohmann::json& j, XenTables& t);

}  // namespace mirari::xen
