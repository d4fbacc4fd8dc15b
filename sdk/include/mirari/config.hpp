// A plugin's configuration: the keys it declares, and the checked values it receives.
//
// A plugin declares its keys (name, type, default or required, one line of description) in
// a static `config_keys()` function; the host checks the plugin's TOML table against them
// before configure() — an unknown key, a wrong type or a missing required key is refused
// with the file, line, plugin and key — and prints them for `mirarictl describe`. So
// configure() receives a Config in which every declared key is present (defaults applied)
// and of its declared type.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace mirari {

enum class ConfigType { boolean, integer, number, string, strings };

using ConfigValue = std::variant<bool, std::int64_t, double, std::string, std::vector<std::string>>;

// The TOML spelling of a type ("boolean", "integer", "number", "string", "array of strings").
std::string_view to_string(ConfigType type) noexcept;
ConfigType type_of(const ConfigValue& value) noexcept;
// The value as TOML would write it: true, 42, 0.5, "text", ["a", "b"].
std::string to_toml(const ConfigValue& value);

struct ConfigKey {
  std::string name;
  ConfigType type;
  std::optional<ConfigValue> default_value;  // none: the key is required
  std::string description;

  static ConfigKey required(std::string name, ConfigType type, std::string description) {
    return {std::move(name), type, std::nullopt, std::move(description)};
  }
  template <class T>
  static ConfigKey optional(std::string name, T default_value, std::string description) {
    ConfigValue value = to_value(std::move(default_value));
    const ConfigType type = type_of(value);
    return {std::move(name), type, std::move(value), std::move(description)};
  }

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
    } else {
      return std::vector<std::string>(std::move(v));
    }
  }
};

class ConfigError : public std::runtime_error {
 public:
  explicit ConfigError(const std::string& message, std::string key = {})
      : std::runtime_error(message), key_(std::move(key)) {}
  // The key refused; empty when the error is about the configuration as a whole.
  const std::string& key() const noexcept { return key_; }

 private:
  std::string key_;
};

class Config {
 public:
  Config() = default;
  explicit Config(std::map<std::string, ConfigValue, std::less<>> values)
      : values_(std::move(values)) {}

  bool has(std::string_view key) const { return values_.find(key) != values_.end(); }

  // The value of key as T (bool, std::int64_t, double, std::string, std::vector<std::string>).
  // Throws ConfigError naming the key when it is absent or of another type.
  template <class T>
  const T& get(std::string_view key) const {
    auto it = values_.find(key);
    if (it == values_.end()) throw ConfigError("no configuration key '" + std::string(key) + "'");
    if (const T* v = std::get_if<T>(&it->second)) return *v;
    throw ConfigError("configuration key '" + std::string(key) + "' is a " +
                      std::string(to_string(type_of(it->second))));
  }

  const std::map<std::string, ConfigValue, std::less<>>& values() const noexcept { return values_; }
  friend bool operator==(const Config&, const Config&) = default;

 private:
  std::map<std::string, ConfigValue, std::less<>> values_;
};

// Checks values against a plugin's declared keys, as the host does before configure():
// unknown keys, missing required keys and wrong types are refused with a ConfigError naming
// the plugin and the key. Returns the configuration with defaults filled in. An integer
// given for a number key is accepted as that number.
Config check_config(const std::vector<ConfigKey>& keys,
                    std::map<std::string, ConfigValue, std::less<>> values,
                    const std::string& plugin);

}  // namespace mirari
