#include "xen_objects.hpp"

#include "mirari/json_read.hpp"

#include <charconv>

namespace mirari::xen {

using rtnetlink::optional_from_json;
using rtnetlink::optional_to_json;

XenbusState parse_xenbus_state(const std::string& text) {
  int value = 0;
  const char* end = text.data() + text.size();
  auto [at, error] = std::from_chars(text.data(), end, value);
  if (error != std::errc() || at != end || value < 0 ||
      value > static_cast<int>(XenbusState::reconfigured)) {
    return XenbusState::unknown;
  }
  return static_cast<XenbusState>(value);
}

void to_json(nlohmann::json& j, const XenDomain& d) {
  j = {{"domid", d.domid},
       {"name", d.name},
       {"uuid", optional_to_json(d.uuid)},
       {"memory_target_kib", optional_to_json(d.memory_target_kib)}};
}

void from_json(const nlohmann::json& j, XenDomain& d) {
  mirari::read_json(j.at("domid"), d.domid);
  mirari::read_json(j.at("name"), d.name);
  d.uuid = optional_from_json<std::string>(j, "uuid");
  d.memory_target_kib = optional_from_json<std::uint64_t>(j, "memory_target_kib");
}

void to_json(nlohmann::json& j, const XenDevice& d) {
  j = {{"kind", d.kind},     {"domid", d.domid},
       {"devid", d.devid},   {"backend_domid", d.backend_domid},
       {"state", d.state},   {"frontend_state", optional_to_json(d.frontend_state)},
       {"online", d.online}, {"params", d.params}};
}

void from_json(const nlohmann::json& j, XenDevice& d) {
  mirari::read_json(j.at("kind"), d.kind);
  mirari::read_json(j.at("domid"), d.domid);
  mirari::read_json(j.at("devid"), d.devid);
  mirari::read_json(j.at("backend_domid"), d.backend_domid);
  mirari::read_json(j.at("state"), d.state);
  d.frontend_state = optional_from_json<XenbusState>(j, "frontend_state");
  mirari::read_json(j.at("online"), d.online);
  mirari::read_json(j.at("params"), d.params);
}

void to_json(nlohmann::json& j, const XenData& d) {
  j = {{"domid", d.domid}, {"name", d.name}, {"values", d.values}};
}

void from_json(const nlohmann::json& j, XenData& d) {
  mirari::read_json(j.at("domid"), d.domid);
  mirari::read_json(j.at("name"), d.name);
  mirari::read_json(j.at("values"), d.values);
}

}  // namespace mirari::xen
