// Port catalogue: the links of a network namespace, with their addresses, and the changes to
// them. Published by the stock net-watcher plugin (one namespace per instance).
//
//   port             constant     kind    C++ type    stable type name
//   net.links        kLinks       signal  Links       table<int32,net.link>
//   net.link_events  kLinkEvents  event   LinkEvents  list<net.link_event>
//
//   auto links = ctx.subscribe<mirari::ports::net::Links>(mirari::ports::net::kLinks);
//
// JSON forms, for tools (mirarictl get, watch, set):
//   Link       {"index": 3, "name": "eth0", "kind": "veth", "mac": "02:00:5e:10:00:01",
//               "mtu": 1500, "up": true, "carrier": true, "oper_state": "up",
//               "speed_mbps": 10000 | null,
//               "addresses": [{"family": "ipv4", "address": "192.0.2.1", "prefix_length": 24}]}
//   Links      {"3": Link, "4": Link, ...}   (keyed by the ifindex's text)
//   LinkEvent  {"kind": "added" | "changed" | "removed", "old": Link | null, "new": Link | null}
#pragma once

#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "mirari/json_form.hpp"
#include "mirari/ports/ip.hpp"
#include "mirari/table.hpp"
#include "mirari/type_layout.hpp"

namespace mirari::ports::net {

// Every link of the namespace, keyed by ifindex; empty until a net watcher publishes it.
inline constexpr const char* kLinks = "net.links";
// The changes of one tick to net.links, in the order they happened; occurs in the tick in
// which net.links takes the new value.
inline constexpr const char* kLinkEvents = "net.link_events";

using ip::Family;

// An address assigned to a link.
struct Address {
  Family family = Family::ipv4;
  std::string address;    // text form: "192.0.2.1", "2001:db8::1"
  int prefix_length = 0;  // bits of the network part: 24 for 192.0.2.1/24
  friend auto operator<=>(const Address&, const Address&) = default;
};

// RFC 2863 operational state, as the kernel reports it (IFLA_OPERSTATE): whether the link can
// pass packets, judged from the administrative state, the carrier and the lower layers.
// JSON: "unknown", "notpresent", "down", "lowerlayerdown", "testing", "dormant", "up".
enum class OperState { unknown, not_present, down, lower_layer_down, testing, dormant, up };

// One link. up, carrier and oper_state answer three questions: did someone set the link up
// (up), is there a signal on the wire or a peer at the other end (carrier), and does the kernel
// consider it usable (oper_state == up, which takes both and the lower layers into account;
// some drivers leave it unknown, as lo does).
struct Link {
  int index = 0;          // ifindex: the key; stable while the link lives, across renames
  std::string name;       // IFLA_IFNAME ("eth0"); changes when the link is renamed
  std::string kind;       // IFLA_INFO_KIND ("veth", "bridge", ...); empty when none (lo, NICs)
  std::string mac;        // IFLA_ADDRESS, lower-case hex bytes; empty when none (lo, tun)
  std::uint32_t mtu = 0;  // bytes (IFLA_MTU)
  bool up = false;        // administratively up (IFF_UP), as `ip link set up` sets it
  bool carrier = false;   // the lower layer has a carrier (IFLA_CARRIER): cable, veth peer up
  OperState oper_state = OperState::unknown;
  // Mbit/s, as the driver reports it (what /sys/class/net/<link>/speed shows): present only
  // while the link is up with a carrier, absent when the driver does not know (lo, tun).
  std::optional<std::uint32_t> speed_mbps;
  std::vector<Address> addresses;  // every address of the link, sorted
  friend bool operator==(const Link&, const Link&) = default;
};

// One change to net.links.
struct LinkEvent {
  enum class Kind { added, changed, removed };
  Kind kind = Kind::changed;
  std::optional<Link> old_link;  // the link before; absent for added
  std::optional<Link> new_link;  // the link after; absent for removed
  friend bool operator==(const LinkEvent&, const LinkEvent&) = default;
};

using Links = Table<int, Link>;
using LinkEvents = std::vector<LinkEvent>;

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

inline void to_json(nlohmann::json& j, const Address& a) {
  j = {{"family", a.family}, {"address", a.address}, {"prefix_length", a.prefix_length}};
}

inline void from_json(const nlohmann::json& j, Address& a) {
  read_json(j.at("family"), a.family);
  read_json(j.at("address"), a.address);
  read_json(j.at("prefix_length"), a.prefix_length);
}

inline void to_json(nlohmann::json& j, const Link& l) {
  j = {{"index", l.index},
       {"name", l.name},
       {"kind", l.kind},
       {"mac", l.mac},
       {"mtu", l.mtu},
       {"up", l.up},
       {"carrier", l.carrier},
       {"oper_state", l.oper_state},
       {"speed_mbps", optional_to_json(l.speed_mbps)},
       {"addresses", l.addresses}};
}

inline void from_json(const nlohmann::json& j, Link& l) {
  read_json(j.at("index"), l.index);
  read_json(j.at("name"), l.name);
  read_json(j.at("kind"), l.kind);
  read_json(j.at("mac"), l.mac);
  read_json(j.at("mtu"), l.mtu);
  read_json(j.at("up"), l.up);
  read_json(j.at("carrier"), l.carrier);
  read_json(j.at("oper_state"), l.oper_state);
  l.speed_mbps = optional_from_json<std::uint32_t>(j, "speed_mbps");
  read_json(j.at("addresses"), l.addresses);
}

inline void to_json(nlohmann::json& j, const LinkEvent& e) {
  j = {{"kind", e.kind},
       {"old", optional_to_json(e.old_link)},
       {"new", optional_to_json(e.new_link)}};
}

inline void from_json(const nlohmann::json& j, LinkEvent& e) {
  read_json(j.at("kind"), e.kind);
  e.old_link = optional_from_json<Link>(j, "old");
  e.new_link = optional_from_json<Link>(j, "new");
}

}  // namespace mirari::ports::net

MIRARI_TYPE(mirari::ports::net::Address, "net.address", family, address, prefix_length)
MIRARI_ENUM(mirari::ports::net::OperState, "net.oper_state", unknown, not_present, down,
            lower_layer_down, testing, dormant, up)
MIRARI_TYPE(mirari::ports::net::Link, "net.link", index, name, kind, mac, mtu, up, carrier,
            oper_state, speed_mbps, addresses)
MIRARI_ENUM(mirari::ports::net::LinkEvent::Kind, "net.link_event_kind", added, changed, removed)
MIRARI_TYPE(mirari::ports::net::LinkEvent, "net.link_event", kind, old_link, new_link)
