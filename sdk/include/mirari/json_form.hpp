// JSON forms: how tools (mirarictl get/set/watch) read and write port values.
//
// A type has a JSON form when nlohmann::json can convert it both ways: the standard types
// do, and a plugin's own types do once it defines to_json/from_json next to them (see
// nlohmann-json's documentation, "Arbitrary types conversions"). The port catalogue's types
// (mirari/ports/*.hpp) all have one.
#pragma once

#include <concepts>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "mirari/json_read.hpp"

namespace mirari {

// Whether a T converts to JSON and back: what nlohmann::json finds through its own
// conversions or through to_json/from_json found by argument-dependent lookup.
template <class T>
concept HasJsonForm = std::constructible_from<nlohmann::json, const T&> &&
    requires(const nlohmann::json& j) {
  { j.get<T>() } -> std::same_as<T>;
};

// The JSON of an optional member, as the catalogue's types write them: null when absent.
template <class T>
nlohmann::json optional_to_json(const std::optional<T>& value) {
  return value ? nlohmann::json(*value) : nlohmann::json(nullptr);
}

// The member key of object j, read back with read_json: none when it is null. Throws
// nlohmann::json::exception when j has no such member, std::exception when its value is not
// a T.
template <class T>
std::optional<T> optional_from_json(const nlohmann::json& j, const char* key) {
  const nlohmann::json& value = j.at(key);
  if (value.is_null()) return std::nullopt;
  return read_json<T>(value);
}

// What a watch of a signal port (Graph::watch_port, `mirarictl watch`) writes for each value
// the port takes: one object per watch, fed the values in order. The whole value each time,
// unless a type says otherwise (a Table writes its whole value first, then only the keys
// that changed: see table.hpp).
template <class T>
struct WatchForm {
  std::string next(const T& value) { return nlohmann::json(value).dump(); }
};

}  // namespace mirari
