// The watcher's four tables, made from the domains' trees (domain_trees.hpp), and the
// changes between two sets of them.
//
// A device is listed from its backend's directory, in whichever domain holds it (dom0, or a
// driver domain); its frontend state comes from the frontend domain's device/ directory.
#pragma once

#include <cstdint>
#include <set>
#include <vector>

#include "domain_trees.hpp"
#include "xen_objects.hpp"

namespace mirari::xen {

struct XenTables {
  XenDomains domains;
  XenDevices vifs;
  XenDevices vbds;
  XenDataTable data;
  friend bool operator==(const XenTables&, const XenTables&) = default;
};

struct XenChanges {
  std::vector<XenDomainChange> domains;
  std::vector<XenDeviceChange> vifs;
  std::vector<XenDeviceChange> vbds;
  std::vector<XenDataChange> data;
  bool empty() const { return domains.empty() && vifs.empty() && vbds.empty() && data.empty(); }
};

XenTables make_tables(const DomainTrees& trees);

// Makes again, in tables, what the trees of domids (read again, or gone) make: their domain
// and data records, and the devices whose backend or frontend lies in one of them; appends
// the changes. Records are made and compared only for those domains (one, for a guest's
// report), not for the fleet; a scan of the device tables finds the devices they touch.
void update_tables(XenTables& tables, const DomainTrees& trees,
                   const std::set<std::uint32_t>& domids, XenChanges& changes);

// Appends the changes that lead from before to after, each table's in key order.
void diff(const XenTables& before, const XenTables& after, XenChanges& changes);

void to_json(nlohmann::json& j, const XenTables& t);
void from_json(const nlohmann::json& j, XenTables& t);

}  // namespace mirari::xen
