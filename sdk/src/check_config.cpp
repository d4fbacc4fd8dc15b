// The check of a plugin's configuration against its declared keys, at every depth.
//
// Invariant: a Config returned by check_config holds exactly the declared keys of its table,
// each of its declared type, and every nested table in it (a table's, or each of an array's)
// holds exactly its own declared keys in turn, with its path set.
#include <set>

#include "mirari/config.hpp"

namespace mirari {

bool ConfigKey::needs_value() const {
  if (!default_value) return true;
  if (type != ConfigType::table) return false;
  for (const ConfigKey& key : keys) {
    if (key.needs_value()) return true;
  }
  return false;
}

namespace {

bool is_array(ConfigType type) {
  return type == ConfigType::strings || type == ConfigType::integers ||
         type == ConfigType::numbers || type == ConfigType::tables;
}

bool is_empty_array(const ConfigValue& value) {
  return std::visit(
      [](const auto& v) {
        if constexpr (requires {
                        v.begin();
                        v.empty();
                      } &&
                      !std::is_same_v<std::decay_t<decltype(v)>, std::string>) {
          return v.empty();
        } else {
          return false;
        }
      },
      value);
}

ConfigValue empty_array(ConfigType type) {
  switch (type) {
    case ConfigType::integers:
      return std::vector<std::int64_t>();
    case ConfigType::numbers:
      return std::vector<double>();
    case ConfigType::tables:
      return std::vector<Config>();
    default:
      return std::vector<std::string>();
  }
}

class Checker {
 public:
  explicit Checker(const std::string& plugin) : plugin_(plugin) {}

  Config table(const std::vector<ConfigKey>& keys, Config::Values values, const std::string& path) {
    const auto path_of = [&](const std::string& name) {
      return path.empty() ? name : path + "." + name;
    };
    Config::Values checked;
    std::set<std::string, std::less<>> declared;
    for (const ConfigKey& key : keys) {
      declared.insert(key.name);
      const std::string at = path_of(key.name);
      auto it = values.find(key.name);
      if (it == values.end()) {
        if (!key.default_value) {
          refuse(at, "missing required key '" + at + "' (" + std::string(to_string(key.type)) +
                         ": " + key.description + ")");
        }
        checked.emplace(key.name, key.type == ConfigType::table
                                      ? ConfigValue(table(key.keys, {}, at))
                                      : *key.default_value);
        continue;
      }
      checked.emplace(key.name, value(key, std::move(it->second), at));
    }
    for (const auto& [name, v] : values) {
      if (declared.count(name) == 0) refuse(path_of(name), "unknown key '" + path_of(name) + "'");
    }
    return Config(std::move(checked), path);
  }

 private:
  ConfigValue value(const ConfigKey& key, ConfigValue given, const std::string& at) {
    if (is_array(key.type) && is_empty_array(given)) given = empty_array(key.type);
    if (key.type == ConfigType::number && type_of(given) == ConfigType::integer) {
      given = static_cast<double>(std::get<std::int64_t>(given));
    }
    if (key.type == ConfigType::numbers && type_of(given) == ConfigType::integers) {
      const auto& integers = std::get<std::vector<std::int64_t>>(given);
      given = std::vector<double>(integers.begin(), integers.end());
    }
    if (type_of(given) != key.type) {
      refuse(at, "key '" + at + "' must be " + with_article(key.type) + ", not " +
                     with_article(type_of(given)));
    }
    if (key.type == ConfigType::table) {
      return table(key.keys, std::get<Config>(std::move(given)).values(), at);
    }
    if (key.type == ConfigType::tables) {
      std::vector<Config> items;
      const auto& given_items = std::get<std::vector<Config>>(given);
      for (std::size_t i = 0; i < given_items.size(); ++i) {
        items.push_back(
            table(key.keys, given_items[i].values(), at + "[" + std::to_string(i) + "]"));
      }
      return items;
    }
    return given;
  }

  [[noreturn]] void refuse(const std::string& key, const std::string& why) const {
    throw ConfigError("plugin '" + plugin_ + "': " + why, key);
  }

  const std::string& plugin_;
};

}  // namespace

Config check_config(const std::vector<ConfigKey>& keys, Config::Values values,
                    const std::string& plugin) {
  return Checker(plugin).table(keys, std::move(values), "");
}

}  // namespace mirari
