// The state of a namespace's links, as rtnetlink messages build it (an rtnetlink::Mirror
// model; see rtnetlink/mirror.hpp).
//
// Invariants:
// - table() holds every link the messages so far describe, each with the addresses
//   reported for it, sorted; addresses reported before their link are kept aside until the
//   link appears, and dropped with it.
// - Every change to table() is reported by exactly one event, whose old and new values are
//   the link before and after it.
#pragma once

#include <linux/netlink.h>

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "link_messages.hpp"
#include "net_ports.hpp"
#include "rtnetlink/dump.hpp"

namespace mirari::net {

class LinkModel {
 public:
  using Table = Links;
  using Event = LinkEvent;
  // Gives a link's speed by name, or none; only asked for links up with a carrier.
  using SpeedReader = std::function<std::optional<std::uint32_t>(const std::string& name)>;

  explicit LinkModel(SpeedReader read_speed = {}) : read_speed_(std::move(read_speed)) {}

  static std::vector<unsigned> groups();
  static std::vector<rtnetlink::DumpRequest> dumps();
  LinkModel fresh() const { return LinkModel(read_speed_); }

  void apply(const nlmsghdr& msg, std::vector<LinkEvent>& events);
  void apply(const LinkUpdate& update, std::vector<LinkEvent>& events);
  // The current links: O(1), a version that later messages never change.
  Links table() const noexcept { return links_.build(); }

  // The events that lead from before to after, in the tables' hash order.
  static void diff(const Links& before, const Links& after, std::vector<LinkEvent>& events);

 private:
  void seen(Link link, std::vector<LinkEvent>& events);
  void gone(int index, std::vector<LinkEvent>& events);
  void address_seen(int index, Address address, std::vector<LinkEvent>& events);
  void address_gone(int index, const Address& address, std::vector<LinkEvent>& events);
  void replace(const Link& current, Link next, std::vector<LinkEvent>& events);

  SpeedReader read_speed_;
  // Edited in place between the versions table() hands out: a batch of messages copies a
  // published version only along the paths it changes.
  Links::Builder links_;
  std::map<int, std::vector<Address>> early_addresses_;
};

}  // namespace mirari::net
