#include "plugin_description.hpp"

namespace mirari::host {

nlohmann::json describe_plugin(const Descriptor& d) {
  nlohmann::json keys = nlohmann::json::array();
  for (const ConfigKey& key : d.config_keys()) {
    nlohmann::json k = {{"name", key.name},
                        {"type", std::string(to_string(key.type))},
                        {"required", !key.default_value.has_value()},
                        {"description", key.description}};
    if (key.default_value) k["default"] = to_toml(*key.default_value);
    keys.push_back(std::move(k));
  }
  return {{"plugin", d.name},
          {"version", d.version},
          {"kind", std::string(to_string(d.kind))},
          {"summary", d.summary != nullptr ? d.summary : ""},
          {"keys", std::move(keys)}};
}

}  // namespace mirari::host
