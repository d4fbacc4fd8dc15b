#include <set>

#include "mirari/config.hpp"

namespace mirari {

Config check_config(const std::vector<ConfigKey>& keys,
                    std::map<std::string, ConfigValue, std::less<>> values,
                    const std::string& plugin) {
  std::map<std::string, ConfigValue, std::less<>> checked;
  std::set<std::string, std::less<>> declared;
  for (const ConfigKey& key : keys) {
    declared.insert(key.name);
    auto it = values.find(key.name);
    if (it == values.end()) {
      if (!key.default_value) {
        throw ConfigError("plugin '" + plugin + "': missing required key '" + key.name + "' (" +
                              std::string(to_string(key.type)) + ": " + key.description + ")",
                          key.name);
      }
      checked.emplace(key.name, *key.default_value);
      continue;
    }
    ConfigValue value = std::move(it->second);
    if (key.type == ConfigType::number && type_of(value) == ConfigType::integer) {
      value = static_cast<double>(std::get<std::int64_t>(value));
    }
    if (type_of(value) != key.type) {
      throw ConfigError("plugin '" + plugin + "': key '" + key.name + "' must be a " +
                            std::string(to_string(key.type)) + ", not a " +
                            std::string(to_string(type_of(value))),
                        key.name);
    }
    checked.emplace(key.name, std::move(value));
  }
  for (const auto& [name, value] : values) {
    if (declared.count(name) == 0) {
      throw ConfigError("plugin '" + plugin + "': unknown key '" + name + "'", name);
    }
  }
  return Config(std::move(checked));
}

}  // namespace mirari
