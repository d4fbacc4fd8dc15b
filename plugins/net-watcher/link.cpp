#include "link.hpp"

#include "rtnetlink/optional_json.hpp"

namespace mirari::net {

using rtnetlink::optional_from_json;
using rtnetlink::optional_to_json;

void to_json(nlohmann::json& j, const Address& a) {
  j = {{"family", a.family}, {"address", a.address}, {"prefix_length", a.prefix_length}};
}

void from_json(const nlohmann::json& j, Address& a) {
  j.at("family").get_to(a.family);
  j.at("address").get_to(a.address);
  j.at("prefix_length").get_to(a.prefix_length);
}

void to_json(nlohmann::json& j, const Link& l) {
  j = {{"index", l.index},
       {"name", l.name},
       {"kind", l.kind},
       {"mac", l.mac},
       {"mtu", l.mtu},
       {"up", l.up},
       {"carrier", l.carrier},
       {"oper_state", l.oper_state},
       {"speed_mbps", optional_to_json(l.speed_mbps)},
       {"addresses", l.addresses}};
}

void from_json(const nlohmann::json& j, Link& l) {
  j.at("index").get_to(l.index);
  j.at("name").get_to(l.name);
  j.at("kind").get_to(l.kind);
  j.at("mac").get_to(l.mac);
  j.at("mtu").get_to(l.mtu);
  j.at("up").get_to(l.up);
  j.at("carrier").get_to(l.carrier);
  j.at("oper_state").get_to(l.oper_state);
  l.speed_mbps = optional_from_json<std::uint32_t>(j, "speed_mbps");
  j.at("addresses").get_to(l.addresses);
}

void to_json(nlohmann::json& j, const LinkEvent& e) {
  j = {{"kind", e.kind},
       {"old", optional_to_json(e.old_link)},
       {"new", optional_to_json(e.new_link)}};
}

void from_json(const nlohmann::json& j, LinkEvent& e) {
  j.at("kind").get_to(e.kind);
  e.old_link = optional_from_json<Link>(j, "old");
  e.new_link = optional_from_json<Link>(j, "new");
}

}  // namespace mirari::net
