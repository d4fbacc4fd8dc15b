// Port catalogue: the neighbour table of a network namespace (IPv4 ARP and IPv6 ND entries),
// and the changes to it. Published by the stock arp-watcher plugin (one namespace per
// instance).
//
//   port        constant  kind    C++ type         stable type name
//   arp.table   kTable    signal  Neighbours       table<arp.neighbour_key,arp.neighbour>
//   arp.events  kEvents   event   NeighbourEvents  list<arp.neighbour_event>
//
// Iterating a Neighbours table visits the entries in hash order: look entries up by key.
//
// JSON forms, for tools (mirarictl get, watch, set):
//   NeighbourKey    {"ifindex": 3, "address": "192.0.2.7"}
//   Neighbour       {"family": "ipv4", "address": "192.0.2.7", "mac": "02:00:5e:10:00:07",
//                    "ifindex": 3, "interface": "eth0", "state": "reachable"}
//   Neighbours      [[NeighbourKey, Neighbour], ...]  (a table's form when its keys are
//                    neither strings nor numbers; pairs in hash order)
//   NeighbourEvent  {"kind": "added" | "changed" | "moved" | "removed",
//                    "old": Neighbour | null, "new": Neighbour | null}
#pragma once

#include <compare>
#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <boost/container_hash/hash.hpp>
#include <nlohmann/json.hpp>

#include "mirari/json_form.hpp"
#include "mirari/ports/ip.hpp"
#include "mirari/table.hpp"
#include "mirari/type_layout.hpp"

namespace mirari::ports::arp {

// Every neighbour entry of the namespace; empty until an ARP watcher publishes it.
inline constexpr const char* kTable = "arp.table";
// The changes of one tick to arp.table, in the order they happened; occurs in the tick in
// which arp.table takes the new value.
inline constexpr const char* kEvents = "arp.events";

using ip::Family;

// The key of an entry: the kernel keeps one entry per address and interface.
struct NeighbourKey {
  int ifindex = 0;      // the link the entry is on (net.links' key)
  std::string address;  // the neighbour's IP address, text form: "192.0.2.7", "2001:db8::7"
  friend auto operator<=>(const NeighbourKey&, const NeighbourKey&) = default;
};

}  // namespace mirari::ports::arp

// What places a key in a Neighbours table.
template <>
struct std::hash<mirari::ports::arp::NeighbourKey> {
  std::size_t operator()(const mirari::ports::arp::NeighbourKey& key) const noexcept {
    std::size_t seed = 0;
    boost::hash_combine(seed, key.ifindex);
    boost::hash_combine(seed, key.address);
    return seed;
  }
};

namespace mirari::ports::arp {

// The kernel's NUD state of an entry (NUD_*). JSON: the names below. Entries in state NOARP
// (multicast, broadcast and point-to-point mappings, which involve no neighbour at all) are
// not in the table, and neither are proxy entries.
enum class NeighbourState { none, incomplete, reachable, stale, delay, probe, failed, permanent };

// One neighbour entry.
struct Neighbour {
  Family family = Family::ipv4;
  std::string address;    // the neighbour's IP address, text form: "192.0.2.7", "2001:db8::7"
  std::string mac;        // its link-layer address, lower-case hex bytes; empty while unresolved
  int ifindex = 0;        // the link the entry is on (net.links' key)
  std::string interface;  // that link's current name; empty until the watcher has seen it
  NeighbourState state = NeighbourState::none;

  NeighbourKey key() const { return {ifindex, address}; }
  friend bool operator==(const Neighbour&, const Neighbour&) = default;
};

// One change to arp.table.
// - added / removed: an entry appeared or went (old or new absent).
// - changed: an entry's state or interface name changed, or it got its first MAC.
// - moved: a binding between an address and a MAC moved, as one event:
//   * an address moved to another MAC: old and new are the same entry (same key), with
//     different non-empty MACs;
//   * a MAC moved to another address: new is an entry that just got a MAC which another
//     entry (old, same interface and family) already held. The kernel keeps old until it
//     expires, which is a later `removed`; a MAC legitimately shared by several addresses
//     (a host with two addresses, proxy ARP) reports its later addresses this way too.
struct NeighbourEvent {
  enum class Kind { added, changed, moved, removed };
  Kind kind = Kind::changed;
  std::optional<Neighbour> old_entry;  // the entry before; absent for added
  std::optional<Neighbour> new_entry;  // the entry after; absent for removed
  friend bool operator==(const NeighbourEvent&, const NeighbourEvent&) = default;
};

using Neighbours = Table<NeighbourKey, Neighbour>;
using NeighbourEvents = std::vector<NeighbourEvent>;

NLOHMANN_JSON_SERIALIZE_ENUM(NeighbourState, {{NeighbourState::none, "none"},
                                              {NeighbourState::incomplete, "incomplete"},
                                              {NeighbourState::reachable, "reachable"},
                                              {NeighbourState::stale, "stale"},
                                              {NeighbourState::delay, "delay"},
                                              {NeighbourState::probe, "probe"},
                                              {NeighbourState::failed, "failed"},
                                              {NeighbourState::permanent, "permanent"}})
NLOHMANN_JSON_SERIALIZE_ENUM(NeighbourEvent::Kind, {{NeighbourEvent::Kind::added, "added"},
                                                    {NeighbourEvent::Kind::changed, "changed"},
                                                    {NeighbourEvent::Kind::moved, "moved"},
                                                    {NeighbourEvent::Kind::removed, "removed"}})

inline void to_json(nlohmann::json& j, const NeighbourKey& k) {
  j = {{"ifindex", k.ifindex}, {"address", k.address}};
}

inline void from_json(const nlohmann::json& j, NeighbourKey& k) {
  read_json(j.at("ifindex"), k.ifindex);
  read_json(j.at("address"), k.address);
}

inline void to_json(nlohmann::json& j, const Neighbour& n) {
  j = {{"family", n.family},   {"address", n.address},     {"mac", n.mac},
       {"ifindex", n.ifindex}, {"interface", n.interface}, {"state", n.state}};
}

inline void from_json(const nlohmann::json& j, Neighbour& n) {
  read_json(j.at("family"), n.family);
  read_json(j.at("address"), n.address);
  read_json(j.at("mac"), n.mac);
  read_json(j.at("ifindex"), n.ifindex);
  read_json(j.at("interface"), n.interface);
  read_json(j.at("state"), n.state);
}

inline void to_json(nlohmann::json& j, const NeighbourEvent& e) {
  j = {{"kind", e.kind},
       {"old", optional_to_json(e.old_entry)},
       {"new", optional_to_json(e.new_entry)}};
}

inline void from_json(const nlohmann::json& j, NeighbourEvent& e) {
  read_json(j.at("kind"), e.kind);
  e.old_entry = optional_from_json<Neighbour>(j, "old");
  e.new_entry = optional_from_json<Neighbour>(j, "new");
}

}  // namespace mirari::ports::arp

MIRARI_TYPE(mirari::ports::arp::NeighbourKey, "arp.neighbour_key", ifindex, address)
MIRARI_ENUM(mirari::ports::arp::NeighbourState, "arp.neighbour_state", none, incomplete, reachable,
            stale, delay, probe, failed, permanent)
MIRARI_TYPE(mirari::ports::arp::Neighbour, "arp.neighbour", family, address, mac, ifindex,
            interface, state)
MIRARI_ENUM(mirari::ports::arp::NeighbourEvent::Kind, "arp.neighbour_event_kind", added, changed,
            moved, removed)
MIRARI_TYPE(mirari::ports::arp::NeighbourEvent, "arp.neighbour_event", kind, old_entry, new_entry)
