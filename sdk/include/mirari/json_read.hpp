// Reading port values from JSON that anyone may have written (`mirarictl set`, a saved state).
//
// nlohmann's get<T>() turns a JSON float into an integer with a static_cast, which is
// undefined behaviour when the float does not fit (1e30 into a std::uint64_t, -2.5 into an
// unsigned), and narrows a JSON integer silently (300 into a std::uint8_t). read_json refuses
// both with std::invalid_argument, and walks the standard containers (vector, map, optional)
// itself so that the integers inside them are checked too. A plugin type's from_json reads
// its integer members with read_json as well, as the stock types do:
//
//     void from_json(const nlohmann::json& j, Link& l) {
//       mirari::read_json(j.at("mtu"), l.mtu);
//       ...
#pragma once

#include <cmath>
#include <concepts>
#include <cstdint>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "mirari/type_name.hpp"

namespace mirari {

template <class T>
T read_json(const nlohmann::json& j);

template <class T>
void read_json(const nlohmann::json& j, T& out) {
  out = read_json<T>(j);
}

namespace detail {

template <class T>
struct IsVector : std::false_type {};
template <class E, class A>
struct IsVector<std::vector<E, A>> : std::true_type {};

template <class T>
struct IsOptional : std::false_type {};
template <class E>
struct IsOptional<std::optional<E>> : std::true_type {};

template <class T>
struct IsTextKeyedMap : std::false_type {};
template <class V, class C, class A>
struct IsTextKeyedMap<std::map<std::string, V, C, A>> : std::true_type {};

template <std::integral T>
[[noreturn]] void refuse_integer(const nlohmann::json& j) {
  throw std::invalid_argument(j.dump() + " is not a value of " + display_type_name<T>());
}

template <std::integral T>
T read_integer(const nlohmann::json& j) {
  if (j.is_number_unsigned()) {
    const auto v = j.get<std::uint64_t>();
    if (std::in_range<T>(v)) return static_cast<T>(v);
  } else if (j.is_number_integer()) {
    const auto v = j.get<std::int64_t>();
    if (std::in_range<T>(v)) return static_cast<T>(v);
  } else if (j.is_number_float()) {
    // A float is taken when it is a whole number in range: 3.0 is 3, 3.5 is refused.
    const double v = j.get<double>();
    if (std::isfinite(v) && std::trunc(v) == v) {
      if (v >= -0x1p63 && v < 0x1p63) {
        const auto whole = static_cast<std::int64_t>(v);
        if (std::in_range<T>(whole)) return static_cast<T>(whole);
      } else if (v >= 0 && v < 0x1p64) {
        const auto whole = static_cast<std::uint64_t>(v);
        if (std::in_range<T>(whole)) return static_cast<T>(whole);
      }
    }
  }
  refuse_integer<T>(j);
}

}  // namespace detail

template <class T>
T read_json(const nlohmann::json& j) {
  if constexpr (std::integral<T> && !std::same_as<T, bool>) {
    return detail::read_integer<T>(j);
  } else if constexpr (detail::IsOptional<T>::value) {
    if (j.is_null()) return std::nullopt;
    return read_json<typename T::value_type>(j);
  } else if constexpr (detail::IsVector<T>::value) {
    if (!j.is_array()) throw std::invalid_argument(j.dump() + " is not a JSON array");
    T out;
    out.reserve(j.size());
    for (const nlohmann::json& item : j) out.push_back(read_json<typename T::value_type>(item));
    return out;
  } else if constexpr (detail::IsTextKeyedMap<T>::value) {
    if (!j.is_object()) throw std::invalid_argument(j.dump() + " is not a JSON object");
    T out;
    for (const auto& item : j.items()) {
      out.emplace(item.key(), read_json<typename T::mapped_type>(item.value()));
    }
    return out;
  } else {
    return j.get<T>();
  }
}

}  // namespace mirari
