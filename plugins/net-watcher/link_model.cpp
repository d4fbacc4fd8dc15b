#include "link_model.hpp"

#include <linux/rtnetlink.h>
#include <sys/socket.h>

#include <algorithm>

#include "common/table_changes.hpp"

namespace mirari::net {

namespace {
template <class... F>
struct Overloaded : F... {
  using F::operator()...;
};
template <class... F>
Overloaded(F...) -> Overloaded<F...>;

// Inserts into a sorted vector; false when it is there already.
bool insert_sorted(std::vector<Address>& addresses, Address address) {
  auto at = std::lower_bound(addresses.begin(), addresses.end(), address);
  if (at != addresses.end() && *at == address) return false;
  addresses.insert(at, std::move(address));
  return true;
}
}  // namespace

std::vector<unsigned> LinkModel::groups() {
  return {RTNLGRP_LINK, RTNLGRP_IPV4_IFADDR, RTNLGRP_IPV6_IFADDR};
}

std::vector<rtnetlink::DumpRequest> LinkModel::dumps() {
  // Links first, so that addresses find their link.
  return {{RTM_GETLINK, AF_UNSPEC}, {RTM_GETADDR, AF_UNSPEC}};
}

void LinkModel::apply(const nlmsghdr& msg, std::vector<LinkEvent>& events) {
  if (std::optional<LinkUpdate> update = read_link_message(msg)) apply(*update, events);
}

void LinkModel::apply(const LinkUpdate& update, std::vector<LinkEvent>& events) {
  std::visit(Overloaded{
                 [&](const LinkSeen& u) { seen(u.link, events); },
                 [&](const LinkGone& u) { gone(u.index, events); },
                 [&](const AddressSeen& u) { address_seen(u.index, u.address, events); },
                 [&](const AddressGone& u) { address_gone(u.index, u.address, events); },
             },
             update);
}

void LinkModel::seen(Link link, std::vector<LinkEvent>& events) {
  if (read_speed_ && link.up && link.carrier) link.speed_mbps = read_speed_(link.name);
  if (const Link* current = links_.find(link.index)) {
    link.addresses = current->addresses;
    replace(*current, std::move(link), events);
    return;
  }
  if (auto early = early_addresses_.find(link.index); early != early_addresses_.end()) {
    link.addresses = std::move(early->second);
    early_addresses_.erase(early);
  }
  const int index = link.index;
  events.push_back({LinkEvent::Kind::added, std::nullopt, link});
  links_.set(index, std::move(link));
}

void LinkModel::gone(int index, std::vector<LinkEvent>& events) {
  early_addresses_.erase(index);
  const Link* current = links_.find(index);
  if (current == nullptr) return;
  events.push_back({LinkEvent::Kind::removed, *current, std::nullopt});
  links_.erase(index);
}

void LinkModel::address_seen(int index, Address address, std::vector<LinkEvent>& events) {
  const Link* current = links_.find(index);
  if (current == nullptr) {
    insert_sorted(early_addresses_[index], std::move(address));
    return;
  }
  Link next = *current;
  if (insert_sorted(next.addresses, std::move(address))) replace(*current, std::move(next), events);
}

void LinkModel::address_gone(int index, const Address& address, std::vector<LinkEvent>& events) {
  const Link* current = links_.find(index);
  if (current == nullptr) {
    if (auto early = early_addresses_.find(index); early != early_addresses_.end()) {
      std::erase(early->second, address);
      if (early->second.empty()) early_addresses_.erase(early);
    }
    return;
  }
  Link next = *current;
  if (std::erase(next.addresses, address) != 0) replace(*current, std::move(next), events);
}

// current points into the builder: it is read before the set that may move it.
void LinkModel::replace(const Link& current, Link next, std::vector<LinkEvent>& events) {
  if (current == next) return;
  events.push_back({LinkEvent::Kind::changed, current, next});
  const int index = next.index;
  links_.set(index, std::move(next));
}

void LinkModel::diff(const Links& before, const Links& after, std::vector<LinkEvent>& events) {
  common::diff_tables(before, after, events);
}

}  // namespace mirari::net
