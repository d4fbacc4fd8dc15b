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
  nlohmann::json keys = describe_keys(d.config_keys());
  return {{"plugin", d.name},
          {"version", d.version},
          {"kind", std::string(to_string(d.kind))},
          {"summary", d.summary != nullptr ? d.summary : ""},
          {"keys", std::move(keys)}};
}

}  // namespace mirari::host
