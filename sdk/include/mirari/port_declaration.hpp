// The ports a plugin declares: what it publishes and subscribes, with one line of meaning.
//
// A plugin lists its ports in a static `ports()` function beside `config_keys()`:
//
//   static std::vector<mirari::PortDecl> ports() {
//     namespace net = mirari::ports::net;
//     return {mirari::PortDecl::subscribes<net::Links>(net::kLinks, "the links it chooses from"),
//             mirari::PortDecl::publishes<std::string>("policy.preferred_link",
//                                                      "the name of the link to use")};
//   }
//
// The kind and the type come from the C++ type (its stable name, type_name<T>()), so a
// declaration cannot drift from what the plugin subscribes: publishes<T>/subscribes<T> are
// for signal ports (a Table<K, V> makes a table port), publishes_events<T>/subscribes_events<T>
// for event ports, as Context::publish/subscribe_events use them.
//
// A port whose name depends on the configuration names the configuration key in braces:
// "scale.{group}.desired" is scale.web.desired for an instance configured with group = "web",
// and "{actual_port}" is whatever actual_port holds. Where the key has no string value, a
// placeholder stands for any name component (one or more characters, no '.').
//
// The host prints the declarations in `mirarid --describe` and `mirarictl describe`, shows each
// port's meaning in `mirarictl ports`, and logs a warning, once per instance and port, when a
// plugin publishes or subscribes a port it did not declare.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "mirari/config.hpp"
#include "mirari/table.hpp"
#include "mirari/type_name.hpp"

namespace mirari {

enum class PortKind { signal, event, table };
enum class PortDirection { publishes, subscribes };
std::string_view to_string(PortKind kind) noexcept;
std::string_view to_string(PortDirection direction) noexcept;

namespace detail {
template <class T>
inline constexpr bool kIsTable = false;
template <class K, class V>
inline constexpr bool kIsTable<Table<K, V>> = true;
}  // namespace detail

struct PortDecl {
  std::string name;  // the port's name, or a pattern with {key} placeholders (see above)
  PortKind kind = PortKind::signal;
  std::string type;  // the stable type name of its values or occurrences
  PortDirection direction = PortDirection::subscribes;
  std::string meaning;  // one line: what a value (or an occurrence) says

  template <class T>
  static PortDecl publishes(std::string name, std::string meaning) {
    return make<T>(std::move(name), signal_kind<T>(), PortDirection::publishes, std::move(meaning));
  }
  template <class T>
  static PortDecl subscribes(std::string name, std::string meaning) {
    return make<T>(std::move(name), signal_kind<T>(), PortDirection::subscribes,
                   std::move(meaning));
  }
  template <class T>
  static PortDecl publishes_events(std::string name, std::string meaning) {
    return make<T>(std::move(name), PortKind::event, PortDirection::publishes, std::move(meaning));
  }
  template <class T>
  static PortDecl subscribes_events(std::string name, std::string meaning) {
    return make<T>(std::move(name), PortKind::event, PortDirection::subscribes, std::move(meaning));
  }

  friend bool operator==(const PortDecl&, const PortDecl&) = default;

 private:
  template <class T>
  static constexpr PortKind signal_kind() {
    return detail::kIsTable<T> ? PortKind::table : PortKind::signal;
  }
  template <class T>
  static PortDecl make(std::string name, PortKind kind, PortDirection direction,
                       std::string meaning) {
    return {std::move(name), kind, type_name<T>(), direction, std::move(meaning)};
  }
};

// pattern with each {key} replaced by config's string value of key; placeholders config has no
// string for stay as they are. Any thread.
std::string resolve_port_name(const std::string& pattern, const Config& config);

// Whether port is the declaration's port for an instance configured with config: its name,
// with each {key} replaced by config's string value of key, or matched as one name component
// where config has none. Any thread.
bool port_matches(const PortDecl& declared, std::string_view port, const Config& config);

// The first of declared that names port in direction (in either when none is given), or null.
// Any thread.
const PortDecl* find_port(const std::vector<PortDecl>& declared, std::string_view port,
                          const Config& config,
                          std::optional<PortDirection> direction = std::nullopt);

}  // namespace mirari
