#include "neighbour.hpp"

#include "mirari/json_read.hpp"
#include "rtnetlink/optional_json.hpp"

namespace mirari::arp {

using rtnetlink::optional_from_json;
using rtnetlink::optional_to_json;

void to_json(nlohmann::json& j, const NeighbourKey& k) {
  j = {{"ifindex", k.ifindex}, {"address", k.address}};
}

void from_json(const nlohmann::json& j, NeighbourKey& k) {
  mirari::read_json(j.at("ifindex"), k.ifindex);
  mirari::read_json(j.at("address"), k.address);
}

void to_json(nlohmann::json& j, const Neighbour& n) {
  j = {{"family", n.family},   {"address", n.address},     {"mac", n.mac},
       {"ifindex", n.ifindex}, {"interface", n.interface}, {"state", n.state}};
}

void from_json(const nlohmann::json& j, Neighbour& n) {
  mirari::read_json(j.at("family"), n.family);
  mirari::read_json(j.at("address"), n.address);
  mirari::read_json(j.at("mac"), n.mac);
  mirari::read_json(j.at("ifindex"), n.ifindex);
  mirari::read_json(j.at("interface"), n.interface);
  mirari::read_json(j.at("state"), n.state);
}

void to_json(nlohmann::json& j, const NeighbourEvent& e) {
  j = {{"kind", e.kind},
       {"old", optional_to_json(e.old_entry)},
       {"new", optional_to_json(e.new_entry)}};
}

void from_json(const nlohmann::json& j, NeighbourEvent& e) {
  mirari::read_json(j.at("kind"), e.kind);
  e.old_entry = optional_from_json<Neighbour>(j, "old");
  e.new_entry = optional_from_json<Neighbour>(j, "new");
}

}  // namespace mirari::arp
