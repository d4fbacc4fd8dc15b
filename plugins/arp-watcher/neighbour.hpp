// What the ARP watcher publishes: the neighbour table (IPv4 ARP and IPv6 ND entries), and
// changes to it.
//
// Ports (see arp_watcher.hpp):
//   arp.table   signal  NeighbourTable, a mirari::Table<NeighbourKey, Neighbour>
//                       (type "table<arp.neighbour_key,arp.neighbour>"); iterating it visits
//                       the entries in hash order, so look entries up by key
//   arp.events  event   std::vector<NeighbourEvent> (type "list<arp.neighbour_event>"): the
//                       changes of one tick, in the order they happened
//
// JSON forms, for tools:
//   NeighbourKey    {"ifindex": 3, "address": "192.0.2.7"}
//   Neighbour       {"family": "ipv4", "address": "192.0.2.7", "mac": "02:00:5e:10:00:07",
//                    "ifindex": 3, "interface": "eth0", "state": "reachable"}
//   NeighbourTable  [[NeighbourKey, Neighbour], ...]  (a table's form when its keys are
//                    neither strings nor numbers; pairs in hash order)
//   NeighbourEvent  {"kind": "added" | "changed" | "moved" | "removed",
//                    "old": Neighbour | null, "new": Neighbour | null}
#pragma once

#include <compare>
#include <cstddef>
#include <functional>
#include <optional>
#include <string>

#include <boost/container_hash/hash.hpp>
#include <mirari/table.hpp>
#include <mirari/type_name.hpp>
#include <nlohmann/json.hpp>

#include "rtnetlink/family.hpp"

namespace mirari::arp {

using rtnetlink::Family;

// The kernel keeps one entry per address and interface.
struct NeighbourKey {
  int ifindex = 0;
  std::string address;
  friend auto operator<=>(const NeighbourKey&, const NeighbourKey&) = default;
};

}  // namespace mirari::arp

// What places a key in a NeighbourTable.
template <>
struct std::hash<mirari::arp::NeighbourKey> {
  std::size_t operator()(const mirari::arp::NeighbourKey& key) const noexcept {
    std::size_t seed = 0;
    boost::hash_combine(seed, key.ifindex);
    boost::hash_combine(seed, key.address);
    return seed;
  }
};

namespace mirari::arp {

// The kernel's NUD state of an entry. Entries in state NOARP (multicast, broadcast and
// point-to-point mappings, which involve no neighbour at all) are not in the table, and
// neither are proxy entries.
enum class NeighbourState { none, incomplete, reachable, stale, delay, probe, failed, permanent };

struct Neighbour {
  Family family = Family::ipv4;
  std::string address;  // text form: "192.0.2.7", "2001:db8::7"
  std::string mac;      // lower-case hex bytes; empty while unresolved
  int ifindex = 0;
  std::string interface;  // the link's current name; empty until the watcher has seen it
  NeighbourState state = NeighbourState::none;

  NeighbourKey key() const { return {ifindex, address}; }
  friend bool operator==(const Neighbour&, const Neighbour&) = default;
};

using NeighbourTable = mirari::Table<NeighbourKey, Neighbour>;

// One change to the table.
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
  std::optional<Neighbour> old_entry;
  std::optional<Neighbour> new_entry;
  friend bool operator==(const NeighbourEvent&, const NeighbourEvent&) = default;
};

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

void to_json(nlohmann::json& j, const NeighbourKey& k);
void from_json(const nlohmann::json& j, NeighbourKey& k);
void to_json(nlohmann::json& j, const Neighbour& n);
void from_json(const nlohmann::json& j, Neighbour& n);
void to_json(nlohmann::json& j, const NeighbourEvent& e);
void from_json(const nlohmann::json& j, NeighbourEvent& e);

}  // namespace mirari::arp

MIRARI_TYPE_NAME(mirari::arp::NeighbourKey, "arp.neighbour_key")
MIRARI_TYPE_NAME(mirari::arp::Neighbour, "arp.neighbour")
MIRARI_TYPE_NAME(mirari::arp::NeighbourEvent, "arp.neighbour_event")
