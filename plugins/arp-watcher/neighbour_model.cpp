#include "neighbour_model.hpp"

#include <linux/rtnetlink.h>
#include <sys/socket.h>

#include <optional>

namespace mirari::arp {

namespace {
template <class... F>
struct Overloaded : F... {
  using F::operator()...;
};
template <class... F>
Overloaded(F...) -> Overloaded<F...>;

// The first key of an interface's entries: keys order by interface first.
NeighbourKey first_key(int ifindex) {
  return {ifindex, ""};
}
}  // namespace

std::vector<unsigned> NeighbourModel::groups() {
  return {RTNLGRP_NEIGH, RTNLGRP_LINK};
}

std::vector<rtnetlink::DumpRequest> NeighbourModel::dumps() {
  // Links first, so that entries find their interface's name.
  return {{RTM_GETLINK, AF_UNSPEC}, {RTM_GETNEIGH, AF_UNSPEC}};
}

void NeighbourModel::apply(const nlmsghdr& msg, std::vector<NeighbourEvent>& events) {
  if (std::optional<NeighbourUpdate> update = read_neighbour_message(msg)) apply(*update, events);
}

void NeighbourModel::apply(const NeighbourUpdate& update, std::vector<NeighbourEvent>& events) {
  std::visit(Overloaded{
                 [&](const NeighbourSeen& u) {
                   Neighbour entry = u.entry;
                   auto name = interfaces_.find(entry.ifindex);
                   entry.interface = name != interfaces_.end() ? name->second : std::string();
                   put(std::move(entry), events);
                 },
                 [&](const NeighbourGone& u) { erase(u.key, events); },
                 [&](const InterfaceSeen& u) { name_interface(u.ifindex, u.name, events); },
                 [&](const InterfaceGone& u) { drop_interface(u.ifindex, events); },
             },
             update);
}

void NeighbourModel::put(Neighbour entry, std::vector<NeighbourEvent>& events) {
  const NeighbourKey key = entry.key();
  auto it = entries_.find(key);
  const Neighbour* previous = it != entries_.end() ? &it->second : nullptr;
  if (previous != nullptr && *previous == entry) return;

  NeighbourEvent event;
  if (previous == nullptr) {
    event.kind = NeighbourEvent::Kind::added;
  } else {
    event.kind = NeighbourEvent::Kind::changed;
    event.old_entry = *previous;
  }
  if (previous != nullptr && !previous->mac.empty() && !entry.mac.empty() &&
      previous->mac != entry.mac) {
    event.kind = NeighbourEvent::Kind::moved;
  } else if ((previous == nullptr || previous->mac.empty()) && !entry.mac.empty()) {
    if (const Neighbour* holder = holder_of(entry)) {
      event.kind = NeighbourEvent::Kind::moved;
      event.old_entry = *holder;
    }
  }

  if (previous != nullptr) {
    unindex(*previous);
    it->second = entry;
  } else {
    it = entries_.emplace(key, entry).first;
  }
  index(it->second);
  event.new_entry = std::move(entry);
  events.push_back(std::move(event));
}

void NeighbourModel::erase(const NeighbourKey& key, std::vector<NeighbourEvent>& events) {
  auto it = entries_.find(key);
  if (it == entries_.end()) return;
  unindex(it->second);
  events.push_back({NeighbourEvent::Kind::removed, std::move(it->second), std::nullopt});
  entries_.erase(it);
}

void NeighbourModel::name_interface(int ifindex, const std::string& name,
                                    std::vector<NeighbourEvent>& events) {
  auto [known, added] = interfaces_.try_emplace(ifindex, name);
  if (!added) {
    if (known->second == name) return;
    known->second = name;
  }
  for (auto it = entries_.lower_bound(first_key(ifindex));
       it != entries_.end() && it->first.ifindex == ifindex; ++it) {
    if (it->second.interface == name) continue;
    Neighbour renamed = it->second;
    renamed.interface = name;
    events.push_back({NeighbourEvent::Kind::changed, it->second, renamed});
    it->second = std::move(renamed);
  }
}

void NeighbourModel::drop_interface(int ifindex, std::vector<NeighbourEvent>& events) {
  interfaces_.erase(ifindex);
  // The kernel removes the entries of a link that goes, and says so; this covers the case
  // where those messages were not seen.
  auto it = entries_.lower_bound(first_key(ifindex));
  while (it != entries_.end() && it->first.ifindex == ifindex) {
    unindex(it->second);
    events.push_back({NeighbourEvent::Kind::removed, std::move(it->second), std::nullopt});
    it = entries_.erase(it);
  }
}

const Neighbour* NeighbourModel::holder_of(const Neighbour& entry) const {
  auto held = holders_.find({entry.ifindex, entry.family, entry.mac});
  if (held == holders_.end()) return nullptr;
  for (const NeighbourKey& key : held->second) {
    if (key.address != entry.address) return &entries_.at(key);
  }
  return nullptr;
}

void NeighbourModel::index(const Neighbour& entry) {
  if (!entry.mac.empty()) holders_[{entry.ifindex, entry.family, entry.mac}].insert(entry.key());
}

void NeighbourModel::unindex(const Neighbour& entry) {
  if (entry.mac.empty()) return;
  auto held = holders_.find({entry.ifindex, entry.family, entry.mac});
  if (held == holders_.end()) return;
  held->second.erase(entry.key());
  if (held->second.empty()) holders_.erase(held);
}

void NeighbourModel::diff(const NeighbourTable& before, const NeighbourTable& after,
                          std::vector<NeighbourEvent>& events) {
  NeighbourModel replay;
  std::vector<NeighbourEvent> ignored;
  for (const auto& [key, entry] : before) replay.put(entry, ignored);
  for (const auto& [key, entry] : after) replay.put(entry, events);
  for (const auto& [key, entry] : before) {
    if (after.count(key) == 0) replay.erase(key, events);
  }
}

}  // namespace mirari::arp
