#include "config_json.hpp"

#include <limits>
#include <sstream>

namespace mirari::host {

using nlohmann::json;

namespace {

std::string child(const std::string& path, const std::string& key) {
  return path.empty() ? key : path + "." + key;
}

toml::table table_from(const json& object, const std::string& path);
toml::array array_from(const json& items, const std::string& path);

// The TOML node for a JSON value at path, handed to put (a table's or an array's insert).
template <class Put>
void node_from(const json& value, const std::string& path, Put put) {
  switch (value.type()) {
    case json::value_t::object:
      put(table_from(value, path));
      return;
    case json::value_t::array:
      put(array_from(value, path));
      return;
    case json::value_t::string:
      put(value.get<std::string>());
      return;
    case json::value_t::boolean:
      put(value.get<bool>());
      return;
    case json::value_t::number_integer:
      put(value.get<std::int64_t>());
      return;
    case json::value_t::number_unsigned:
      if (value.get<std::uint64_t>() >
          static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
        throw ConfigJsonError("key '" + path + "': " + value.dump() +
                              " is beyond the largest integer (9223372036854775807)");
      }
      put(static_cast<std::int64_t>(value.get<std::uint64_t>()));
      return;
    case json::value_t::number_float:
      put(value.get<double>());
      return;
    default:
      throw ConfigJsonError("key '" + path + "': null is not a configuration value");
  }
}

toml::table table_from(const json& object, const std::string& path) {
  toml::table out;
  for (const auto& [key, value] : object.items()) {
    node_from(value, child(path, key),
              [&](auto&& node) { out.insert(key, std::forward<decltype(node)>(node)); });
  }
  return out;
}

toml::array array_from(const json& items, const std::string& path) {
  toml::array out;
  for (std::size_t i = 0; i < items.size(); ++i) {
    node_from(items[i], path + "[" + std::to_string(i) + "]",
              [&](auto&& node) { out.push_back(std::forward<decltype(node)>(node)); });
  }
  return out;
}

json json_from(const toml::node& node) {
  if (const toml::table* t = node.as_table()) return json_from_toml(*t);
  if (const toml::array* a = node.as_array()) {
    json out = json::array();
    for (const toml::node& item : *a) out.push_back(json_from(item));
    return out;
  }
  if (auto s = node.as_string()) return s->get();
  if (auto i = node.as_integer()) return i->get();
  if (auto d = node.as_floating_point()) return d->get();
  if (auto b = node.as_boolean()) return b->get();
  std::ostringstream text;
  node.visit([&](const auto& v) { text << v; });
  return text.str();
}

// Copies from into into; a key set in both is refused, unless both are tables (merged).
void merge(toml::table& into, const toml::table& from, const std::string& path,
           const std::string& argument) {
  for (auto&& [key, node] : from) {
    const std::string at = child(path, std::string(key.str()));
    toml::node* there = into.get(key.str());
    if (there == nullptr) {
      into.insert(key, node);
    } else if (there->is_table() && node.is_table()) {
      merge(*there->as_table(), *node.as_table(), at, argument);
    } else {
      throw ConfigJsonError(argument + ": key '" + at + "' is given twice");
    }
  }
}

}  // namespace

toml::table toml_from_json(const json& object) {
  if (!object.is_object()) {
    throw ConfigJsonError("a plugin's settings are a JSON object, not " +
                          std::string(object.type_name()));
  }
  return table_from(object, "");
}

json json_from_toml(const toml::table& table) {
  json out = json::object();
  for (auto&& [key, node] : table) out[std::string(key.str())] = json_from(node);
  return out;
}

json load_settings(const std::vector<std::string>& sets, const std::string& json_text) {
  toml::table settings;
  if (!json_text.empty()) {
    json object;
    try {
      object = json::parse(json_text);
    } catch (const json::parse_error& e) {
      throw ConfigJsonError("--config-json is not JSON: " + std::string(e.what()));
    }
    try {
      settings = toml_from_json(object);
    } catch (const ConfigJsonError& e) {
      throw ConfigJsonError("--config-json: " + std::string(e.what()));
    }
  }
  for (const std::string& set : sets) {
    const std::string argument = "--set '" + set + "'";
    const auto equals = set.find('=');
    if (equals == std::string::npos || set.find('\n') != std::string::npos) {
      throw ConfigJsonError(argument +
                            ": expected KEY=VALUE, with a TOML value (--set template.memory=64, "
                            "--set name='\"web\"')");
    }
    toml::table one;
    try {
      one = toml::parse(set);
    } catch (const toml::parse_error& e) {
      throw ConfigJsonError(argument + ": " + std::string(e.description()) +
                            " (KEY=VALUE, with a TOML value: a string is written in quotes)");
    }
    merge(settings, one, "", argument);
  }
  return json_from_toml(settings);
}

}  // namespace mirari::host
