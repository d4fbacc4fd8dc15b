#include "plugin_description.hpp"

namespace mirari::host {

namespace {

nlohmann::json describe_keys(const std::vector<ConfigKey>& declared) {
  nlohmann::json keys = nlohmann::json::array();
  for (const ConfigKey& key : declared) {
    nlohmann::json k = {{"name", key.name},
                        {"type", std::string(to_string(key.type))},
                        {"required", key.needs_value()},
                        {"description", key.description}};
    // A table's default is its keys' defaults, shown with them.
    if (key.default_value && key.type != ConfigType::table) {
      k["default"] = to_toml(*key.default_value);
    }
    if (key.type == ConfigType::table || key.type == ConfigType::tables) {
      k["keys"] = describe_keys(key.keys);
    }
    keys.push_back(std::move(k));
  }
  return keys;
}

}  // namespace

nlohmann::json describe_plugin(const Descriptor& d) {
  const std::vector<ConfigKey> declared = d.config_keys();
  nlohmann::json keys = describe_keys(declared);
  // A port named by a configuration key ("{actual_port}") is also shown under the key's default.
  std::map<std::string, ConfigValue, std::less<>> default_values;
  for (const ConfigKey& key : declared) {
    if (key.default_value) default_values.emplace(key.name, *key.default_value);
  }
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
