// Port catalogue: the domains XenStore knows, their network (vif) and block (vbd) devices with
// both ends' xenbus states, and what each guest reports under its data/ directory. Published
// by the stock xenstore-watcher plugin.
//
//   port               constant       kind    C++ type       stable type name
//   xen.domains        kDomains       signal  Domains        table<string,xen.domain>
//   xen.domain_events  kDomainEvents  event   DomainChanges  list<xen.domain_change>
//   xen.vifs           kVifs          signal  Devices        table<string,xen.device>
//   xen.vif_events     kVifEvents     event   DeviceChanges  list<xen.device_change>
//   xen.vbds           kVbds          signal  Devices        table<string,xen.device>
//   xen.vbd_events     kVbdEvents     event   DeviceChanges  list<xen.device_change>
//   xen.data           kData          signal  DataByDomain   table<string,xen.data>
//   xen.data_events    kDataEvents    event   DataChanges    list<xen.data_change>
//
// Tables are keyed by stable ids written as text: domains and data by domid ("5"), devices by
// the frontend's domid/devid ("5/0", "5/51712"). An event port occurs in the tick in which
// its table takes the new value, with that tick's changes in the order they happened.
//
// JSON forms, for tools (mirarictl get, watch, set):
//   XenDomain  {"domid": 5, "name": "web-1", "uuid": "6f1c..." | null,
//               "memory_target_kib": 262144 | null}
//   XenDevice  {"kind": "vif" | "vbd", "domid": 5, "devid": 0, "backend_domid": 0,
//               "state": "Connected", "frontend_state": "Connected" | null, "online": true,
//               "params": {"mac": "00:16:3e:...", "bridge": "xenbr0", ...}}
//   XenData    {"domid": 5, "name": "web-1", "values": {"load": "0.42", "net/rx": "17"}}
//   XenChange  {"kind": "added" | "changed" | "removed", "old": T | null, "new": T | null}
//   tables     {"5": XenDomain, ...}  (keyed by the id)
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "mirari/json_form.hpp"
#include "mirari/table.hpp"
#include "mirari/type_layout.hpp"

namespace mirari::ports::xen {

// Empty until a XenStore watcher publishes them.
inline constexpr const char* kDomains = "xen.domains";
inline constexpr const char* kDomainEvents = "xen.domain_events";
inline constexpr const char* kVifs = "xen.vifs";
inline constexpr const char* kVifEvents = "xen.vif_events";
inline constexpr const char* kVbds = "xen.vbds";
inline constexpr const char* kVbdEvents = "xen.vbd_events";
inline constexpr const char* kData = "xen.data";
inline constexpr const char* kDataEvents = "xen.data_events";

// The xenbus state machine of a split device, as both ends write it in their "state" key
// (xen/io/xenbus.h). A missing or unreadable key reads as unknown. JSON: the names of
// xenbus.h without the prefix ("Unknown", "Initialising", "InitWait", ..., "Connected", ...).
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

// A domain: a directory <prefix>/<domid> in XenStore.
struct XenDomain {
  std::uint32_t domid = 0;          // the key
  std::string name;                 // "name"; empty until the toolstack writes it
  std::optional<std::string> uuid;  // the last element of "vm" (/vm/<uuid>); absent without one
  std::optional<std::uint64_t> memory_target_kib;  // KiB, "memory/target"; absent when unset
  friend bool operator==(const XenDomain&, const XenDomain&) = default;
};

// A split device: the backend's directory <backend>/backend/<kind>/<domid>/<devid> and the
// frontend's <domid>/device/<kind>/<devid>.
struct XenDevice {
  enum class Kind { vif, vbd };  // network or block device
  Kind kind = Kind::vif;
  std::uint32_t domid = 0;                    // the frontend's domain (the guest)
  std::uint32_t devid = 0;                    // the device's number within the guest
  std::uint32_t backend_domid = 0;            // the domain serving it (0: dom0)
  XenbusState state = XenbusState::unknown;   // the backend's
  std::optional<XenbusState> frontend_state;  // absent while the frontend has no directory
  bool online = false;                        // the backend's "online" is "1"
  // The backend's own keys (vif: mac, bridge, ip, script...; vbd: params, mode, type,
  // dev...), without state, online and the frontend links.
  std::map<std::string, std::string> params;
  friend bool operator==(const XenDevice&, const XenDevice&) = default;
};

NLOHMANN_JSON_SERIALIZE_ENUM(XenDevice::Kind,
                             {{XenDevice::Kind::vif, "vif"}, {XenDevice::Kind::vbd, "vbd"}})

// What a guest reports under its data/ directory; only domains with data/ keys are listed.
struct XenData {
  std::uint32_t domid = 0;  // the key
  std::string name;         // the domain's name, which load reports are keyed by
  // Every leaf under data/, by its path below data/ ("load", "meminfo/free"), as text.
  std::map<std::string, std::string> values;
  friend bool operator==(const XenData&, const XenData&) = default;
};

enum class XenChangeKind { added, changed, removed };

NLOHMANN_JSON_SERIALIZE_ENUM(XenChangeKind, {{XenChangeKind::added, "added"},
                                             {XenChangeKind::changed, "changed"},
                                             {XenChangeKind::removed, "removed"}})

// One change to one of the tables.
template <class T>
struct XenChange {
  using Kind = XenChangeKind;
  Kind kind = Kind::changed;
  std::optional<T> old_value;  // the entry before; absent for added
  std::optional<T> new_value;  // the entry after; absent for removed
  friend bool operator==(const XenChange&, const XenChange&) = default;
};

using XenDomainChange = XenChange<XenDomain>;
using XenDeviceChange = XenChange<XenDevice>;
using XenDataChange = XenChange<XenData>;

using Domains = Table<std::string, XenDomain>;
using Devices = Table<std::string, XenDevice>;
using DataByDomain = Table<std::string, XenData>;
using DomainChanges = std::vector<XenDomainChange>;
using DeviceChanges = std::vector<XenDeviceChange>;
using DataChanges = std::vector<XenDataChange>;

inline void to_json(nlohmann::json& j, const XenDomain& d) {
  j = {{"domid", d.domid},
       {"name", d.name},
       {"uuid", optional_to_json(d.uuid)},
       {"memory_target_kib", optional_to_json(d.memory_target_kib)}};
}

inline void from_json(const nlohmann::json& j, XenDomain& d) {
  read_json(j.at("domid"), d.domid);
  read_json(j.at("name"), d.name);
  d.uuid = optional_from_json<std::string>(j, "uuid");
  d.memory_target_kib = optional_from_json<std::uint64_t>(j, "memory_target_kib");
}

inline void to_json(nlohmann::json& j, const XenDevice& d) {
  j = {{"kind", d.kind},     {"domid", d.domid},
       {"devid", d.devid},   {"backend_domid", d.backend_domid},
       {"state", d.state},   {"frontend_state", optional_to_json(d.frontend_state)},
       {"online", d.online}, {"params", d.params}};
}

inline void from_json(const nlohmann::json& j, XenDevice& d) {
  read_json(j.at("kind"), d.kind);
  read_json(j.at("domid"), d.domid);
  read_json(j.at("devid"), d.devid);
  read_json(j.at("backend_domid"), d.backend_domid);
  read_json(j.at("state"), d.state);
  d.frontend_state = optional_from_json<XenbusState>(j, "frontend_state");
  read_json(j.at("online"), d.online);
  read_json(j.at("params"), d.params);
}

inline void to_json(nlohmann::json& j, const XenData& d) {
  j = {{"domid", d.domid}, {"name", d.name}, {"values", d.values}};
}

inline void from_json(const nlohmann::json& j, XenData& d) {
  read_json(j.at("domid"), d.domid);
  read_json(j.at("name"), d.name);
  read_json(j.at("values"), d.values);
}

template <class T>
void to_json(nlohmann::json& j, const XenChange<T>& c) {
  j = {{"kind", c.kind},
       {"old", optional_to_json(c.old_value)},
       {"new", optional_to_json(c.new_value)}};
}

template <class T>
void from_json(const nlohmann::json& j, XenChange<T>& c) {
  read_json(j.at("kind"), c.kind);
  c.old_value = optional_from_json<T>(j, "old");
  c.new_value = optional_from_json<T>(j, "new");
}

}  // namespace mirari::ports::xen

MIRARI_ENUM(mirari::ports::xen::XenbusState, "xen.xenbus_state", unknown, initialising, init_wait,
            initialised, connected, closing, closed, reconfiguring, reconfigured)
MIRARI_TYPE(mirari::ports::xen::XenDomain, "xen.domain", domid, name, uuid, memory_target_kib)
MIRARI_ENUM(mirari::ports::xen::XenDevice::Kind, "xen.device_kind", vif, vbd)
MIRARI_TYPE(mirari::ports::xen::XenDevice, "xen.device", kind, domid, devid, backend_domid, state,
            frontend_state, online, params)
MIRARI_TYPE(mirari::ports::xen::XenData, "xen.data", domid, name, values)
MIRARI_ENUM(mirari::ports::xen::XenChangeKind, "xen.change_kind", added, changed, removed)
MIRARI_TYPE(mirari::ports::xen::XenDomainChange, "xen.domain_change", kind, old_value, new_value)
MIRARI_TYPE(mirari::ports::xen::XenDeviceChange, "xen.device_change", kind, old_value, new_value)
MIRARI_TYPE(mirari::ports::xen::XenDataChange, "xen.data_change", kind, old_value, new_value)
