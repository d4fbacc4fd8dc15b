#include "neighbour_model.hpp"

#include <linux/rtnetlink.h>
#include <sys/socket.h>

#include <algorithm>
#include <optional>

namespace mirari::arp {

namespace {
template <class... F>
struct Overloaded : F... {
  using F::operator()...;
};
template <class... F>
Overloaded(F...) -> Overloaded<F...>;
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
  const Neighbour* previous = entries_.find(key);
  if (previous != nullptr && *previous == entry) return;

  // Everything read from the builder is copied out before it changes: set() may move the
  // entries it holds.
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
  } else {
    by_interface_[key.ifindex].insert(key.address);
  }
  index(entry);
  event.new_entry = entry;
  entries_.set(key, std::move(entry));
  events.push_back(std::move(event));
}

void NeighbourModel::erase(const NeighbourKey& key, std::vector<NeighbourEvent>& events) {
  const Neighbour* entry = entries_.find(key);
  if (entry == nullptr) return;
  unindex(*entry);
  events.push_back({NeighbourEvent::Kind::removed, *entry, std::nullopt});
  entries_.erase(key);
  auto addresses = by_interface_.find(key.ifindex);
  if (addresses == by_interface_.end()) return;
  addresses->second.erase(key.address);
  if (addresses->second.empty()) by_interface_.erase(addresses);
}

void NeighbourModel::name_interface(int ifindex, const std::string& name,
                                    std::vector<NeighbourEvent>& events) {
  auto [known, added] = interfaces_.try_emplace(ifindex, name);
  if (!added) {
    if (known->second == name) return;
    known->second = name;
  }
  auto addresses = by_interface_.find(ifindex);
  if (addresses == by_interface_.end()) return;
  for (const std::string& address : addresses->second) {
    NeighbourKey key{ifindex, address};
    const Neighbour* entry = entries_.find(key);
    if (entry == nullptr || entry->interface == name) continue;
    Neighbour renamed = *entry;
    renamed.interface = name;
    events.push_back({NeighbourEvent::Kind::changed, *entry, renamed});
    entries_.set(std::move(key), std::move(renamed));
  }
}

void NeighbourModel::drop_interface(int ifindex, std::vector<NeighbourEvent>& events) {
  interfaces_.erase(ifindex);
  // The kernel removes the entries of a link that goes, and says so; this covers the case
  // where those messages were not seen.
  auto addresses = by_interface_.find(ifindex);
  if (addresses == by_interface_.end()) return;
  const std::set<std::string> gone = std::move(addresses->second);
  by_interface_.erase(addresses);
  for (const std::string& address : gone) {
    const NeighbourKey key{ifindex, address};
    const Neighbour* entry = entries_.find(key);
    if (entry == nullptr) continue;
    unindex(*entry);
    events.push_back({NeighbourEvent::Kind::removed, *entry, std::nullopt});
    entries_.erase(key);
  }
}

const Neighbour* NeighbourModel::holder_of(const Neighbour& entry) const {
  auto held = holders_.find({entry.ifindex, entry.family, entry.mac});
  if (held == holders_.end()) return nullptr;
  for (const NeighbourKey& key : held->second) {
    if (key.address != entry.address) return entries_.find(key);
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

NeighbourModel NeighbourModel::holding(const Neighbours& table) {
  NeighbourModel model;
  model.entries_ = Neighbours::Builder(table);
  for (const auto& [key, entry] : table) {
    model.by_interface_[key.ifindex].insert(key.address);
    model.index(entry);
  }
  return model;
}

void NeighbourModel::diff(const Neighbours& before, const Neighbours& after,
                          std::vector<NeighbourEvent>& events) {
  // Only the entries that differ are replayed (an unchanged entry would report nothing and
  // change nothing), sorted so that the order does not depend on the tables' hash order.
  std::vector<const Neighbour*> puts;
  std::vector<const NeighbourKey*> gone;
  mirari::diff(before, after, [&](const NeighbourKey& key, const Neighbour*, const Neighbour* now) {
    if (now != nullptr) {
      puts.push_back(now);
    } else {
      gone.push_back(&key);
    }
  });
  std::sort(puts.begin(), puts.end(),
            [](const Neighbour* a, const Neighbour* b) { return a->key() < b->key(); });
  std::sort(gone.begin(), gone.end(),
            [](const NeighbourKey* a, const NeighbourKey* b) { return *a < *b; });

  NeighbourModel replay = holding(before);
  for (const Neighbour* entry : puts) replay.put(*entry, events);
  for (const NeighbourKey* key : gone) replay.erase(*key, events);
}

}  // namespace mirari::arp
