// A plugin's table as it travels in a `load` request: JSON on the wire, TOML for the check.
//
// mirarictl turns `--set key=value` (values parsed as TOML values, dotted keys for nested
// tables) and `--config-json` into one JSON object; mirarid turns that object back into the
// TOML table a configuration file would hold, and checks it as it checks a file's table
// (config_check.hpp). Integers stay integers and numbers numbers on the way, so the check
// sees the types the user wrote.
#pragma once

#include <toml++/toml.h>

#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <vector>

namespace mirari::host {

// A table that cannot be turned into the other form; what() says which key and why.
class ConfigJsonError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The TOML table for a JSON object. Throws ConfigJsonError on what TOML cannot hold (null,
// an integer beyond int64), naming the key's path.
toml::table toml_from_json(const nlohmann::json& object);
// The JSON object for a TOML table (dates and times as their TOML text).
nlohmann::json json_from_toml(const toml::table& table);

// The one table given by `--set key=value` arguments beside `--config-json` text (empty:
// none), as a JSON object. Throws ConfigJsonError naming the argument: one that is not
// `key=value` with a TOML value, a key given twice (in two --set, or in --set and the JSON),
// JSON that is not an object or holds null.
nlohmann::json load_settings(const std::vector<std::string>& sets, const std::string& json_text);

}  // namespace mirari::host
