// What the XenStore watcher publishes: the domains XenStore knows, their network (vif) and
// block (vbd) devices with both ends' xenbus states, and what each guest reports under its
// data/ subtree.
//
// Ports (see xenstore_watcher_plugin.hpp); tables are keyed by stable ids written as text:
//   xen.domains        signal  table<string, XenDomain>  by domid ("5")
//   xen.vifs           signal  table<string, XenDevice>  by frontend domid/devid ("5/0")
//   xen.vbds           signal  table<string, XenDevice>  by frontend domid/devid ("5/51712")
//   xen.data           signal  table<string, XenData>    by domid; only domains with data/ keys
//   xen.domain_events, xen.vif_events, xen.vbd_events, xen.data_events
//                      event   std::vector<XenChange<...>>: the changes one tick made to
//                              the table above, in the order they happened
//
// JSON forms, for tools:
//   XenDomain {"domid": 5, "name": "web-1", "uuid": "6f1c..." | null,
//              "memory_target_kib": 262144 | null}
//   XenDevice {"kind": "vif" | "vbd", "domid": 5, "devid": 0, "backend_domid": 0,
//              "state": "Connected", "frontend_state": "Connected" | null, "online": true,
//              "params": {"mac": "00:16:3e:...", "bridge": "xenbr0", ...}}
//              params: the backend's own keys (vif: mac, bridge, ip, script...; vbd: params,
//              mode, type, dev...), without state, online and the frontend links
//   XenData   {"domid": 5, "name": "web-1", "values": {"load": "0.42", "net/rx": "17"}}
//   XenChange {"kind": "added" | "changed" | "removed", "old": T | null, "new": T | null}
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include <mirari/table.hpp>
#include <mirari/type_name.hpp>
#include <nlohmann/json.hpp>

#include "rtnetlink/optional_json.hpp"

namespace mirari::xen {

// The xenbus state machine of a split device, as both ends write it in their "state" key
// (xen/io/xenbus.h). A missing or unreadable key reads as unknown.
enum class XenbusState {
  unknown = 0,
  initialising = 1,
  init_wait = 2,
  initialised = 3,
  connected = 4,
  closing = 5,
  closed = 6,
  reconfiguring = 7,
  reconfigured = 8,
};

NLOHMANN_JSON_SERIALIZE_ENUM(XenbusState, {{XenbusState::unknown, "Unknown"},
                                           {XenbusState::initialising, "Initialising"},
                                           {XenbusState::init_wait, "InitWait"},
                                           {XenbusState::initialised, "Initialised"},
                                           {XenbusState::connected, "Connected"},
                                           {XenbusState::closing, "Closing"},
                                           {XenbusState::closed, "Closed"},
                                           {XenbusState::reconfiguring, "Reconfiguring"},
                                           {XenbusState::reconfigured, "Reconfigured"}})

// A state key's text ("4") as a state; anything else is unknown.
XenbusState parse_xenbus_state(const std::string& text);

struct XenDomain {
  std::uint32_t domid = 0;
  std::string name;                                // "name"; empty until the toolstack writes it
  std::optional<std::string> uuid;                 // the last element of "vm" (/vm/<uuid>)
  std::optional<std::uint64_t> memory_target_kib;  // "memory/target"
  friend bool operator==(const XenDomain&, const XenDomain&) = default;
};

// A split device: the backend's directory <backend>/backend/<kind>/<domid>/<devid> and the
// frontend's <domid>/device/<kind>/<devid>.
struct XenDevice {
  enum class Kind { vif, vbd };
  Kind kind = Kind::vif;
  std::uint32_t domid = 0;  // the frontend's domain
  std::uint32_t devid = 0;
  std::uint32_t backend_domid = 0;
  XenbusState state = XenbusState::unknown;   // the backend's
  std::optional<XenbusState> frontend_state;  // absent while the frontend has no directory
  bool online = false;                        // the backend's "online" is "1"
  std::map<std::string, std::string> params;
  friend bool operator==(const XenDevice&, const XenDevice&) = default;
};

NLOHMANN_JSON_SERIALIZE_ENUM(XenDevice::Kind,
                             {{XenDevice::Kind::vif, "vif"}, {XenDevice::Kind::vbd, "vbd"}})

struct XenData {
  std::uint32_t domid = 0;
  std::string name;  // the domain's name, which load reports are keyed by
  // Every leaf under data/, by its path below data/ ("load", "meminfo/free").
  std::map<std::string, std::string> values;
  friend bool operator==(const XenData&, const XenData&) = default;
};

using XenDomains = mirari::Table<std::string, XenDomain>;
using XenDevices = mirari::Table<std::string, XenDevice>;
using XenDataTable = mirari::Table<std::string, XenData>;

enum class XenChangeKind { added, changed, removed };

NLOHMANN_JSON_SERIALIZE_ENUM(XenChangeKind, {{XenChangeKind::added, "added"},
                                             {XenChangeKind::changed, "changed"},
                                             {XenChangeKind::removed, "removed"}})

template <class T>
struct XenChange {
  using Kind = XenChangeKind;
  Kind kind = Kind::changed;
  std::optional<T> old_value;  // absent for added
  std::optional<T> new_value;  // absent for removed
  friend bool operator==(const XenChange&, const XenChange&) = default;
};

using XenDomainChange = XenChange<XenDomain>;
using XenDeviceChange = XenChange<XenDevice>;
using XenDataChange = XenChange<XenData>;

void to_json(nlohmann::json& j, const XenDomain& d);
void from_json(const nlohmann::json& j, XenDomain& d);
void to_json(nlohmann::json& j, const XenDevice& d);
void from_json(const nlohmann::json& j, XenDevice& d);
void to_json(nlohmann::json& j, const XenData& d);
void from_json(const nlohmann::json& j, XenData& d);

template <class T>
void to_json(nlohmann::json& j, const XenChange<T>& c) {
  j = {{"kind", c.kind},
       {"old", rtnetlink::optional_to_json(c.old_value)},
       {"new", rtnetlink::optional_to_json(c.new_value)}};
}

template <class T>
void from_json(const nlohmann::json& j, XenChange<T>& c) {
  j.at("kind").get_to(c.kind);
  c.old_value = rtnetlink::optional_from_json<T>(j, "old");
  c.new_value = rtnetlink::optional_from_json<T>(j, "new");
}

}  // namespace mirari::xen

MIRARI_TYPE_NAME(mirari::xen::XenDomain, "xen.domain")
MIRARI_TYPE_NAME(mirari::xen::XenDevice, "xen.device")
MIRARI_TYPE_NAME(mirari::xen::XenData, "xen.data")
MIRARI_TYPE_NAME(mirari::xen::XenDomainChange, "xen.domain_change")
MIRARI_TYPE_NAME(mirari::xen::XenDeviceChange, "xen.device_change")
MIRARI_TYPE_NAME(mirari::xen::XenDataChange, "xen.data_change")
