#include "plugin_description.hpp"

namespace mirari::host {

nlohmann::json describe_plugin(const Descriptor& d) {
  nlohmann::json keys = nlohmann::json::array();
  std::map<std::string, ConfigValue, std::less<>> default_values;
  for (const ConfigKey& key : d.config_keys()) {
    if (key.default_value) default_values.emplace(key.name, *key.default_value);
    nlohmann::json k = {{"name", key.name},
                        {"type", std::string(to_string(key.type))},
                        {"required", !key.default_value.has_value()},
                        {"description", key.description}};
    if (key.default_value) k["default"] = to_toml(*key.default_value);
    keys.push_back(std::move(k));
  }
  // A port named by a configuration key ("{actual_port}") is also shown under the key's default.
  const Config defaults(std::move(default_values));
  nlohmann::json ports = nlohmann::json::array();
  if (d.ports != nullptr) {
    for (const PortDecl& port : d.ports()) {
      nlohmann::json p = {{"name", port.name},
                          {"kind", std::string(to_string(port.kind))},
                          {"type", port.type},
                          {"direction", std::string(to_string(port.direction))},
                          {"meaning", port.meaning}};
      const std::string by_default = resolve_port_name(port.name, defaults);
      if (by_default != port.name) p["default_name"] = by_default;
      ports.push_back(std::move(p));
    }
  }
  return {{"plugin", d.name},
          {"version", d.version},
          {"kind", std::string(to_string(d.kind))},
          {"summary", d.summary != nullptr ? d.summary : ""},
          {"keys", std::move(keys)},
          {"ports", std::move(ports)}};
}

}  // namespace mirari::host
