// The state of a namespace's neighbour table, as rtnetlink messages build it (an
// rtnetlink::Mirror model; see rtnetlink/mirror.hpp).
//
// The table is kept in a Neighbours::Builder: a batch of messages edits in place the
// nodes no published version holds, and table() hands out a version in O(1). A change costs
// O(log N) in the table plus O(log) in the indexes below, and a change to an interface
// (renamed, gone) costs O(its own entries), never O(table).
//
// Invariants:
// - table() holds every entry the messages so far describe, each with the current name of
//   its interface when the model has seen the link.
// - Every change to table() is reported by exactly one event (see NeighbourEvent for when a
//   change is a move), and a move is reported instead of, never besides, its added or
//   changed event.
// - by_interface_ holds, for each ifindex with entries, exactly the addresses of its entries
//   in table(), and no ifindex without entries.
// - holders_ indexes exactly the entries of table() that have a MAC.
#pragma once

#include <linux/netlink.h>

#include <map>
#include <set>
#include <string>
#include <tuple>
#include <unordered_map>
#include <vector>

#include "arp_ports.hpp"
#include "neighbour_messages.hpp"
#include "rtnetlink/dump.hpp"

namespace mirari::arp {

class NeighbourModel {
 public:
  using Table = Neighbours;
  using Event = NeighbourEvent;

  static std::vector<unsigned> groups();
  static std::vector<rtnetlink::DumpRequest> dumps();
  NeighbourModel fresh() const { return {}; }

  void apply(const nlmsghdr& msg, std::vector<NeighbourEvent>& events);
  // An interface renamed or gone changes or removes its entries in address order.
  void apply(const NeighbourUpdate& update, std::vector<NeighbourEvent>& events);
  // The current table: O(1). Later changes to the model do not change the version returned.
  Neighbours table() const noexcept { return entries_.build(); }

  // The events that lead from before to after, as following the kernel would have reported
  // them (so that moves are recognised): first the entries of after that are new or differ,
  // in key order (ifindex, then address text), then the entries only before holds, removed
  // in key order. The same two tables give the same events in the same order. Costs
  // O(N log N) in before's size (the replay indexes it); used only to recover from lost
  // notifications and on reload.
  static void diff(const Neighbours& before, const Neighbours& after,
                   std::vector<NeighbourEvent>& events);

 private:
  using Binding = std::tuple<int, Family, std::string>;  // ifindex, family, MAC

  // A model whose state is table, its indexes built: where diff's replay starts.
  static NeighbourModel holding(const Neighbours& table);

  void put(Neighbour entry, std::vector<NeighbourEvent>& events);
  void erase(const NeighbourKey& key, std::vector<NeighbourEvent>& events);
  void name_interface(int ifindex, const std::string& name, std::vector<NeighbourEvent>& events);
  void drop_interface(int ifindex, std::vector<NeighbourEvent>& events);
  // Another entry that holds entry's MAC on the same interface and family, if any.
  const Neighbour* holder_of(const Neighbour& entry) const;
  void index(const Neighbour& entry);
  void unindex(const Neighbour& entry);

  Neighbours::Builder entries_;
  std::map<int, std::string> interfaces_;
  // ifindex -> the addresses of its entries, in address order.
  std::unordered_map<int, std::set<std::string>> by_interface_;
  std::map<Binding, std::set<NeighbourKey>> holders_;
};

}  // namespace mirari::arp
