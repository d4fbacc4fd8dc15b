#include "neighbour.hpp"

#include "rtnetlink/optional_json.hpp"

namespace mirari::arp {

using rtnetlink::optional_from_json;
using rtnetlink::optional_to_json;

void to_json(nlohmann::json& j, const NeighbourKey& k) {
  j = {{"ifindex", k.ifindex}, {"address", k.address}};
}

void from_json(const nlohmann::json& j, NeighbourKey& k) {
  j.at("ifindex").get_to(k.ifindex);
  j.at("address").get_to(k.address);
}

void to_json(nlohmann::json& j, const Neighbour& n) {
  j = {{"family", n.family},   {"address", n.address},     {"mac", n.mac},
       {"ifindex", n.ifindex}, {"interface", n.interface}, {"state", n.state}};
}

void from_json(const nlohmann::json& j, Neighbour& n) {
  j.at("family").get_to(n.family);
  j.at("address").get_to(n.address);
  j.at("mac").get_to(n.mac);
  j.at("ifindex").get_to(n.ifindex);
  j.at("interface").get_to(n.interface);
  j.at("state").get_to(n.state);
}

void to_json(nlohmann::json& j, const NeighbourEvent& e) {
  j = {{"kind", e.kind},
       {"old", optional_to_json(e.old_entry)},
       {"new", optional_to_json(e.new_entry)}};
}

void from_json(const nlohmann::json& j, NeighbourEvent& e) {
  j.at("kind").get_to(e.kind);
  e.old_entry = optional_from_json<Neighbour>(j, "old");
  e.new_entry = optional_from_json<Neighbour>(j, "new");
}

}  // namespace mirari::arp
