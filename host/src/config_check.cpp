#include "config_check.hpp"

#include <map>

#include "mirari/config.hpp"

namespace mirari::host {

namespace {

std::string where(const PluginTable& table, const toml::source_region& region) {
  if (table.config_file.empty()) return "";
  return place(table.config_file, region) + ": ";
}

// The kind of value an array's items make it: the ConfigType of an array of them, or none
// when the items are of no kind a key can take.
std::optional<ConfigType> item_kind(const toml::node& item) {
  switch (item.type()) {
    case toml::node_type::string:
      return ConfigType::strings;
    case toml::node_type::integer:
      return ConfigType::integers;
    case toml::node_type::floating_point:
      return ConfigType::numbers;
    case toml::node_type::table:
      return ConfigType::tables;
    default:
      return std::nullopt;
  }
}

// Turns TOML into configuration values, remembering where each key path is written so that
// a refusal of the SDK's check can be placed. Anything no key can take (dates, arrays of
// arrays, arrays mixing kinds) is refused here, with its place, before the declared keys are
// consulted.
class ValueReader {
 public:
  explicit ValueReader(const PluginTable& table) : table_(table) {}

  Config::Values table(const toml::table& values, const std::string& path) {
    Config::Values out;
    for (auto&& [key, node] : values) {
      const std::string name(key.str());
      const std::string at = path.empty() ? name : path + "." + name;
      places_.emplace(at, key.source());
      out.emplace(name, value(at, node));
    }
    return out;
  }

  // Where path is written, or where its nearest written parent is (a missing key: where the
  // table that lacks it is); the plugin's table itself when none is.
  toml::source_region place_of(std::string path) const {
    while (!path.empty()) {
      if (auto it = places_.find(path); it != places_.end()) return it->second;
      const auto cut = path.find_last_of(".[");
      path = cut == std::string::npos ? "" : path.substr(0, cut);
    }
    return table_.where;
  }

 private:
  ConfigValue value(const std::string& at, const toml::node& node) {
    if (auto b = node.as_boolean()) return b->get();
    if (auto i = node.as_integer()) return i->get();
    if (auto d = node.as_floating_point()) return d->get();
    if (auto s = node.as_string()) return s->get();
    if (auto t = node.as_table()) return Config(table(*t, at), at);
    if (auto a = node.as_array()) return array(at, *a);
    refuse(node, at, "holds a value no plugin key can take (a date or a time)");
  }

  // Where node is written; a copied table's array items keep no place of their own, so theirs
  // is the array's.
  toml::source_region region(const toml::node& node, const std::string& at) const {
    return node.source().begin.line > 0 ? node.source() : place_of(at);
  }

  ConfigValue array(const std::string& at, const toml::array& items) {
    std::optional<ConfigType> kind;
    for (const toml::node& item : items) {
      std::optional<ConfigType> this_kind = item_kind(item);
      if (!this_kind) {
        refuse(item, at,
               "holds an array with an item no plugin key can take (an array holds strings, "
               "integers, numbers or tables)");
      }
      // Integers among numbers are numbers.
      if (kind && *kind != *this_kind) {
        const bool numeric =
            (*kind == ConfigType::numbers || *kind == ConfigType::integers) &&
            (*this_kind == ConfigType::numbers || *this_kind == ConfigType::integers);
        if (!numeric) {
          refuse(item, at,
                 "holds an array mixing kinds of items (an array holds strings, integers, "
                 "numbers or tables, one kind)");
        }
        this_kind = ConfigType::numbers;
      }
      kind = this_kind;
    }
    switch (kind.value_or(ConfigType::strings)) {
      case ConfigType::integers: {
        std::vector<std::int64_t> out;
        for (const toml::node& item : items) out.push_back(*item.value<std::int64_t>());
        return out;
      }
      case ConfigType::numbers: {
        std::vector<double> out;
        for (const toml::node& item : items) out.push_back(*item.value<double>());
        return out;
      }
      case ConfigType::tables: {
        std::vector<Config> out;
        for (std::size_t i = 0; i < items.size(); ++i) {
          const std::string item_at = at + "[" + std::to_string(i) + "]";
          places_.emplace(item_at, region(items[i], at));
          out.emplace_back(table(*items[i].as_table(), item_at), item_at);
        }
        return out;
      }
      default: {
        std::vector<std::string> out;
        for (const toml::node& item : items) out.push_back(*item.value<std::string>());
        return out;
      }
    }
  }

  [[noreturn]] void refuse(const toml::node& at, const std::string& key,
                           const std::string& why) const {
    throw ConfigFileError(where(table_, region(at, key)) + "plugin '" + table_.instance +
                          "': key '" + key + "' " + why);
  }

  const PluginTable& table_;
  std::map<std::string, toml::source_region> places_;
};

}  // namespace

Config check_plugin_table(const PluginTable& table, const std::vector<ConfigKey>& keys) {
  ValueReader reader(table);
  Config::Values values = reader.table(table.values, "");
  try {
    return check_config(keys, std::move(values), table.instance);
  } catch (const ConfigError& e) {
    // A key of the table is placed where it is written, a missing one where the table that
    // lacks it starts.
    std::string prefix = where(table, reader.place_of(e.key()));
    if (table.config_file.empty() && !table.file.empty() && !table.given) {
      prefix = "no [plugins." + table.instance + "] table configures it: ";
    }
    if (table.given) prefix.clear();
    throw ConfigFileError(prefix + e.what());
  }
}

}  // namespace mirari::host
