// A plugin's configuration: the keys it declares, and the checked values it receives.
//
// A plugin declares its keys (name, type, default or required, one line of description) in
// a static `config_keys()` function; the host checks the plugin's TOML table against them
// before configure() — an unknown key, a wrong type or a missing required key is refused
// with the file, line, plugin and the key's full path — and prints them for `mirarictl
// describe`. So configure() receives a Config in which every declared key is present
// (defaults applied) and of its declared type.
//
// Keys can be tables and arrays of tables, each declared with keys of its own and checked
// the same way, at any depth:
//
//   static std::vector<ConfigKey> config_keys() {
//     return {ConfigKey::tables("groups", {
//                 ConfigKey::required("name", ConfigType::string, "the group's name"),
//                 ConfigKey::table("template", {
//                     ConfigKey::optional("memory", 64, "MiB of each instance"),
//                 }, "what each instance of the group runs"),
//             }, "the scaling groups")};
//   }
//   // [[plugins.scaler.groups]]
//   // name = "web"
//   // template.memory = 128
//   for (const Config& group : config.tables("groups")) {
//     group.get<std::string>("name");
//     group.table("template").get<std::int64_t>("memory");
//   }
//
// A refusal names the key by its path from the plugin's table: `groups[1].template.memory`
// (arrays count from 0).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

namespace mirari {

enum class ConfigType {
  boolean,
  integer,
  number,
  string,
  strings,   // an array of strings
  integers,  // an array of integers
  numbers,   // an array of numbers (integers are taken as numbers)
  table,     // a table with keys of its own
  tables,    // an array of tables, each with the same keys
};

class Config;

// One value per ConfigType, in the same order.
using ConfigValue =
    std::variant<bool, std::int64_t, double, std::string, std::vector<std::string>,
                 std::vector<std::int64_t>, std::vector<double>, Config, std::vector<Config>>;

// The TOML spelling of a type ("boolean", "integer", "number", "string", "array of strings",
// "array of integers", "array of numbers", "table", "array of tables").
std::string_view to_string(ConfigType type) noexcept;
// The spelling with its article: "an integer", "a table".
std::string with_article(ConfigType type);
ConfigType type_of(const ConfigValue& value) noexcept;
// The value as TOML would write it inline: true, 42, 0.5, "text", ["a", "b"], [1, 2],
// {memory = 64, name = "web"}, [{name = "a"}, {name = "b"}].
std::string to_toml(const ConfigValue& value);

class ConfigError : public std::runtime_error {
 public:
  explicit ConfigError(const std::string& message, std::string key = {})
      : std::runtime_error(message), key_(std::move(key)) {}
  // The path of the key refused ("port", "groups[1].template.memory"); empty when the error
  // is about the configuration as a whole.
  const std::string& key() const noexcept { return key_; }

 private:
  std::string key_;
};

// A table of configuration values: the plugin's own, or one nested in it. Immutable once
// checked, and safe to read from any thread.
class Config {
 public:
  using Values = std::map<std::string, ConfigValue, std::less<>>;

  Config() = default;
  // path: where this table sits in the plugin's table ("" for the plugin's table itself,
  // "groups[1].template" for a nested one); it prefixes the keys named in errors.
  explicit Config(Values values, std::string path = {})
      : values_(std::move(values)), path_(std::move(path)) {}

  bool has(std::string_view key) const { return values_.find(key) != values_.end(); }

  // The value of key as T (bool, std::int64_t, double, std::string, std::vector<std::string>,
  // std::vector<std::int64_t>, std::vector<double>, Config, std::vector<Config>). Throws
  // ConfigError naming the key's path when it is absent or of another type.
  template <class T>
  const T& get(std::string_view key) const {
    auto it = values_.find(key);
    if (it == values_.end()) {
      throw ConfigError("no configuration key '" + path_of(key) + "'", path_of(key));
    }
    if (const T* v = std::get_if<T>(&it->second)) return *v;
    throw ConfigError(
        "configuration key '" + path_of(key) + "' is " + with_article(type_of(it->second)),
        path_of(key));
  }

  // The integer key, which must lie between low and high (both included). Throws ConfigError
  // naming the key's path ("verify_ms must be between 10 and 3600000 milliseconds, not 5";
  // unit, when given, follows high) when it does not, or as get() does.
  std::int64_t integer(std::string_view key, std::int64_t low, std::int64_t high,
                       std::string_view unit = {}) const {
    const std::int64_t value = get<std::int64_t>(key);
    if (value < low || value > high) {
      std::string range = std::to_string(low) + " and " + std::to_string(high);
      if (!unit.empty()) range += " " + std::string(unit);
      throw ConfigError(
          path_of(key) + " must be between " + range + ", not " + std::to_string(value),
          path_of(key));
    }
    return value;
  }

  // The typed readers of the structured keys; each throws as get() does.
  const Config& table(std::string_view key) const { return get<Config>(key); }
  const std::vector<Config>& tables(std::string_view key) const {
    return get<std::vector<Config>>(key);
  }
  const std::vector<std::int64_t>& integers(std::string_view key) const {
    return get<std::vector<std::int64_t>>(key);
  }
  const std::vector<double>& numbers(std::string_view key) const {
    return get<std::vector<double>>(key);
  }

  const Values& values() const noexcept { return values_; }
  const std::string& path() const noexcept { return path_; }
  // The path of one of this table's keys.
  std::string path_of(std::string_view key) const {
    return path_.empty() ? std::string(key) : path_ + "." + std::string(key);
  }

  // Equal values; where the tables sit does not count.
  friend bool operator==(const Config& a, const Config& b) { return a.values_ == b.values_; }

 private:
  Values values_;
  std::string path_;
};

struct ConfigKey {
  std::string name;
  ConfigType type;
  std::optional<ConfigValue> default_value;  // none: the key is required
  std::string description;
  std::vector<ConfigKey> keys;  // a table's keys, or those of each table of an array of tables

  static ConfigKey required(std::string name, ConfigType type, std::string description) {
    return {std::move(name), type, std::nullopt, std::move(description), {}};
  }
  // T: bool, an integer, a floating-point number, a string, or a std::vector of strings,
  // integers or numbers.
  template <class T>
  static ConfigKey optional(std::string name, T default_value, std::string description) {
    ConfigValue value = to_value(std::move(default_value));
    const ConfigType type = type_of(value);
    return {std::move(name), type, std::move(value), std::move(description), {}};
  }
  // A table with its own keys. When it is absent it is checked as an empty table: its keys'
  // defaults apply, and a required key among them is reported missing.
  static ConfigKey table(std::string name, std::vector<ConfigKey> keys, std::string description) {
    return {std::move(name), ConfigType::table, ConfigValue(Config()), std::move(description),
            std::move(keys)};
  }
  // An array of tables, each checked against keys. Absent: no tables.
  static ConfigKey tables(std::string name, std::vector<ConfigKey> keys, std::string description) {
    return {std::move(name), ConfigType::tables, ConfigValue(std::vector<Config>()),
            std::move(description), std::move(keys)};
  }
  // An array of tables that must be given (it may still be empty: `groups = []`).
  static ConfigKey required_tables(std::string name, std::vector<ConfigKey> keys,
                                   std::string description) {
    return {std::move(name), ConfigType::tables, std::nullopt, std::move(description),
            std::move(keys)};
  }

  // True when the key must be given, or is a table holding a key that must.
  bool needs_value() const;

 private:
  template <class T>
  static ConfigValue to_value(T v) {
    if constexpr (std::is_same_v<T, bool>) {
      return v;
    } else if constexpr (std::is_integral_v<T>) {
      return static_cast<std::int64_t>(v);
    } else if constexpr (std::is_floating_point_v<T>) {
      return static_cast<double>(v);
    } else if constexpr (std::is_convertible_v<T, std::string>) {
      return std::string(std::move(v));
    } else if constexpr (std::is_integral_v<typename T::value_type>) {
      return std::vector<std::int64_t>(v.begin(), v.end());
    } else if constexpr (std::is_floating_point_v<typename T::value_type>) {
      return std::vector<double>(v.begin(), v.end());
    } else {
      return std::vector<std::string>(v.begin(), v.end());
    }
  }
};

// Checks values against a plugin's declared keys, as the host does before configure(), at
// every depth: unknown keys, missing required keys and wrong types are refused with a
// ConfigError naming the plugin and the key's path (ConfigError::key()). Returns the
// configuration with defaults filled in, also inside nested tables. An integer given for a
// number is accepted as that number (in arrays too), and an empty array of any kind is
// accepted for any array key. Tables are given as Config, arrays of tables as
// std::vector<Config>, unchecked.
Config check_config(const std::vector<ConfigKey>& keys, Config::Values values,
                    const std::string& plugin);

}  // namespace mirari
