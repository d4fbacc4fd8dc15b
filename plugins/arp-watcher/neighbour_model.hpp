// The state of a namespace's neighbour table, as rtnetlink messages build it (an
// rtnetlink::Mirror model; see rtnetlink/mirror.hpp).
//
// Invariants:
// - table() holds every entry the messages so far describe, each with the current name of
//   its interface when the model has seen the link.
// - Every change to table() is reported by exactly one event (see NeighbourEvent for when a
//   change is a move), and a move is reported instead of, never besides, its added or
//   changed event.
// - holders_ indexes exactly the entries of table() that have a MAC.
#pragma once

#include <linux/netlink.h>

#include <map>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "neighbour.hpp"
#include "neighbour_messages.hpp"
#include "rtnetlink/dump.hpp"

namespace mirari::arp {

class NeighbourModel {
 public:
  using Table = NeighbourTable;
  using Event = NeighbourEvent;

  static std::vector<unsigned> groups();
  static std::vector<rtnetlink::DumpRequest> dumps();
  NeighbourModel fresh() const { return {}; }

  void apply(const nlmsghdr& msg, std::vector<NeighbourEvent>& events);
  void apply(const NeighbourUpdate& update, std::vector<NeighbourEvent>& events);
  const NeighbourTable& table() const noexcept { return entries_; }

  // The events that lead from before to after: changes and new entries in key order (so
  // that moves are recognised as they would have been live), then removals.
  static void diff(const NeighbourTable& before, const NeighbourTable& after,
                   std::vector<NeighbourEvent>& events);

 private:
  using Binding = std::tuple<int, Family, std::string>;  // ifindex, family, MAC

  void put(Neighbour entry, std::vector<NeighbourEvent>& events);
  void erase(const NeighbourKey& key, std::vector<NeighbourEvent>& events);
  void name_interface(int ifindex, const std::string& name, std::vector<NeighbourEvent>& events);
  void drop_interface(int ifindex, std::vector<NeighbourEvent>& events);
  // Another entry that holds entry's MAC on the same interface and family, if any.
  const Neighbour* holder_of(const Neighbour& entry) const;
  void index(const Neighbour& entry);
  void unindex(const Neighbour& entry);

  NeighbourTable entries_;
  std::map<int, std::string> interfaces_;
  std::map<Binding, std::set<NeighbourKey>> holders_;
};

}  // namespace mirari::arp
