// JSON for optional members of the watchers' port types: absent is null.
#pragma once

#include <optional>

#include <nlohmann/json.hpp>

#include "mirari/json_read.hpp"

namespace mirari::rtnetlink {

template <class T>
nlohmann::json optional_to_json(const std::optional<T>& value) {
  return value ? nlohmann::json(*value) : nlohmann::json(nullptr);
}

// The member key of j: none when it is null. Throws nlohmann::json::exception when missing.
template <class T>
std::optional<T> optional_from_json(const nlohmann::json& j, const char* key) {
  const nlohmann::json& value = j.at(key);
  if (value.is_null()) return std::nullopt;
  return mirari::read_json<T>(value);
}

}  // namespace mirari::rtnetlink
