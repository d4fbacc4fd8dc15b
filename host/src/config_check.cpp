#include "config_check.hpp"

#include <map>

#include "mirari/config.hpp"

namespace mirari::host {

namespace {

std::string where(const PluginTable& table, const toml::source_region& region) {
  if (table.config_file.empty()) return "";
  return place(table.config_file, region) + ": ";
}

// Every TOML value a configuration key can hold; anything else (tables, dates, mixed arrays)
// is refused here, with its place, before the declared keys are consulted.
ConfigValue to_value(const PluginTable& table, const std::string& key, const toml::node& node) {
  const auto refuse = [&](const toml::node& at, const std::string& why) -> ConfigValue {
    throw ConfigFileError(where(table, at.source()) + "plugin '" + table.instance + "': key '" +
                          key + "' " + why);
  };
  if (auto b = node.as_boolean()) return b->get();
  if (auto i = node.as_integer()) return i->get();
  if (auto d = node.as_floating_point()) return d->get();
  if (auto s = node.as_string()) return s->get();
  if (auto a = node.as_array()) {
    std::vector<std::string> items;
    for (const toml::node& item : *a) {
      if (!item.is_string()) return refuse(item, "holds an array with more than strings in it");
      items.push_back(*item.value<std::string>());
    }
    return items;
  }
  return refuse(node, "holds a value no plugin key can take (a table, a date or a time)");
}

}  // namespace

Config check_plugin_table(const PluginTable& table, const std::vector<ConfigKey>& keys) {
  std::map<std::string, ConfigValue, std::less<>> values;
  std::map<std::string, toml::source_region> places;
  for (auto&& [key, node] : table.values) {
    const std::string name(key.str());
    values.emplace(name, to_value(table, name, node));
    places.emplace(name, key.source());
  }
  try {
    return check_config(keys, std::move(values), table.instance);
  } catch (const ConfigError& e) {
    // A key of the table is placed where it is written, a missing one where the table starts.
    const std::string message = e.what();
    toml::source_region at = table.where;
    if (auto it = places.find(e.key()); it != places.end()) at = it->second;
    std::string prefix = where(table, at);
    if (table.config_file.empty() && !table.file.empty()) {
      prefix = "no [plugins." + table.instance + "] table configures it: ";
    }
    throw ConfigFileError(prefix + message);
  }
}

}  // namespace mirari::host
