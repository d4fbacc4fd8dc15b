// JSON forms: how tools (mirarictl get/set/watch) read and write port values.
//
// A type has a JSON form when nlohmann::json can convert it both ways: the standard types
// do, and a plugin's own types do once it defines to_json/from_json next to them (see
// nlohmann-json's documentation, "Arbitrary types conversions").
#pragma once

#include <nlohmann/json.hpp>

namespace mirari {

template <class T>
concept HasJsonForm = nlohmann::detail::has_to_json<nlohmann::json, T>::value &&
    nlohmann::detail::has_from_json<nlohmann::json, T>::value;

}  // namespace mirari
