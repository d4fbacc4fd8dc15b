#include "link.hpp"

#include "mirari/json_read.hpp"
#include "rtnetlink/optional_json.hpp"

namespace mirari::net {

using rtnetlink::optional_from_json;
using rtnetlink::optional_to_json;

void to_json(nlohmann::json& j, const Address& a) {
  j = {{"family", a.family}, {"address", a.address}, {"prefix_length", a.prefix_length}};
}

void from_json(const nlohmann::json& j, Address& a) {
  mirari::read_json(j.at("family"), a.family);
  mirari::read_json(j.at("address"), a.address);
  mirari::read_json(j.at("prefix_length"), a.prefix_length);
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
  mirari::read_json(j.at("index"), l.index);
  mirari::read_json(j.at("name"), l.name);
  mirari::read_json(j.at("kind"), l.kind);
  mirari::read_json(j.at("mac"), l.mac);
  mirari::read_json(j.at("mtu"), l.mtu);
  mirari::read_json(j.at("up"), l.up);
  mirari::read_json(j.at("carrier"), l.carrier);
  mirari::read_json(j.at("oper_state"), l.oper_state);
  l.speed_mbps = optional_from_json<std::uint32_t>(j, "speed_mbps");
  mirari::read_json(j.at("addresses"), l.addresses);
}

void to_json(nlohmann::json& j, const LinkEvent& e) {
  j = {{"kind", e.kind},
       {"old", optional_to_json(e.old_link)},
       {"new", optional_to_json(e.new_link)}};
}

void from_json(const nlohmann::json& j, LinkEvent& e) {
  mirari::read_json(j.at("kind"), e.kind);
  e.old_link = optional_from_json<Link>(j, "old");
  e.new_link = optional_from_json<Link>(j, "new");
}

}  // namespace mirari::net
