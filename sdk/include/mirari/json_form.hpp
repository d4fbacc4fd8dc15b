// JSON forms: how tools (mirarictl get/set/watch) read and write port values.
//
// A type has a JSON form when nlohmann::json can convert it both ways: the standard types
// do, and a plugin's own types do once it defines to_json/from_json next to them (see
// nlohmann-json's documentation, "Arbitrary types conversions").
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace mirari {

template <class T>
concept HasJsonForm = nlohmann::detail::has_to_json<nlohmann::json, T>::value &&
    nlohmann::detail::has_from_json<nlohmann::json, T>::value;

// What a watch of a signal port (Graph::watch_port, `mirarictl watch`) writes for each value
// the port takes: one object per watch, fed the values in order. The whole value each time,
// unless a type says otherwise (a Table writes its whole value first, then only the keys
// that changed: see table.hpp).
template <class T>
struct WatchForm {
  std::string next(const T& value) { return nlohmann::json(value).dump(); }
};

}  // namespace mirari
