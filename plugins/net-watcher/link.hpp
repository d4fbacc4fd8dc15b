// What the net watcher publishes: the host's network links, and changes to them.
//
// Ports (see net_watcher.hpp):
//   net.links        signal  Table<int, Link>  (type "table<int32,net.link>"), keyed by
//                            ifindex: stable while a link lives, across renames
//   net.link_events  event   std::vector<LinkEvent> (type "list<net.link_event>"): the
//                            changes of one tick, in the order they happened
//
// JSON forms, for tools:
//   Link      {"index": 3, "name": "eth0", "kind": "veth", "mac": "02:00:5e:10:00:01",
//              "mtu": 1500, "up": true, "carrier": true, "oper_state": "up",
//              "speed_mbps": 10000 | null,
//              "addresses": [{"family": "ipv4", "address": "192.0.2.1", "prefix_length": 24}]}
//   LinkTable {"3": Link, "4": Link, ...}   (keyed by the ifindex's text)
//   LinkEvent {"kind": "added" | "changed" | "removed", "old": Link | null, "new": Link | null}
#pragma once

#include <compare>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <mirari/table.hpp>
#include <mirari/type_name.hpp>
#include <nlohmann/json.hpp>

#include "rtnetlink/family.hpp"

namespace mirari::net {

using rtnetlink::Family;

struct Address {
  Family family = Family::ipv4;
  std::string address;  // text form: "192.0.2.1", "2001:db8::1"
  int prefix_length = 0;
  friend auto operator<=>(const Address&, const Address&) = default;
};

// RFC 2863 operational state, as the kernel reports it (IFLA_OPERSTATE).
enum class OperState { unknown, not_present, down, lower_layer_down, testing, dormant, up };

struct Link {
  int index = 0;          // ifindex
  std::string name;       // IFLA_IFNAME
  std::string kind;       // IFLA_INFO_KIND ("veth", "bridge", ...); empty when none
  std::string mac;        // IFLA_ADDRESS, lower-case hex bytes; empty when none
  std::uint32_t mtu = 0;  // IFLA_MTU
  bool up = false;        // administratively up (IFF_UP)
  bool carrier = false;   // IFLA_CARRIER
  OperState oper_state = OperState::unknown;
  // What the driver reports, as /sys/class/net/<link>/speed does: only while the link is up
  // with a carrier, and absent when the driver does not know.
  std::optional<std::uint32_t> speed_mbps;
  std::vector<Address> addresses;  // sorted
  friend bool operator==(const Link&, const Link&) = default;
};

using LinkTable = mirari::Table<int, Link>;

struct LinkEvent {
  enum class Kind { added, changed, removed };
  Kind kind = Kind::changed;
  std::optional<Link> old_link;  // absent for added
  std::optional<Link> new_link;  // absent for removed
  friend bool operator==(const LinkEvent&, const LinkEvent&) = default;
};

NLOHMANN_JSON_SERIALIZE_ENUM(OperState, {{OperState::unknown, "unknown"},
                                         {OperState::not_present, "notpresent"},
                                         {OperState::down, "down"},
                                         {OperState::lower_layer_down, "lowerlayerdown"},
                                         {OperState::testing, "testing"},
                                         {OperState::dormant, "dormant"},
                                         {OperState::up, "up"}})
NLOHMANN_JSON_SERIALIZE_ENUM(LinkEvent::Kind, {{LinkEvent::Kind::added, "added"},
                                               {LinkEvent::Kind::changed, "changed"},
                                               {LinkEvent::Kind::removed, "removed"}})

void to_json(nlohmann::json& j, const Address& a);
void from_json(const nlohmann::json& j, Address& a);
void to_json(nlohmann::json& j, const Link& l);
void from_json(const nlohmann::json& j, Link& l);
void to_json(nlohmann::json& j, const LinkEvent& e);
void from_json(const nlohmann::json& j, LinkEvent& e);

}  // namespace mirari::net

MIRARI_TYPE_NAME(mirari::net::Link, "net.link")
MIRARI_TYPE_NAME(mirari::net::LinkEvent, "net.link_event")
