// How instances are named: BASE-N, where BASE is the scaling group (or the key of an
// instances.desired.extra entry) and N a serial number the reconciler never uses twice for
// one base, so that a name always means one instance.
#pragma once

#include <charconv>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>

namespace mirari::instances {

inline std::string instance_name(std::string_view base, std::uint64_t serial) {
  return std::string(base) + "-" + std::to_string(serial);
}

// The N of a name BASE-N; none when the name does not end with a dash and digits.
inline std::optional<std::uint64_t> serial_of(std::string_view name) {
  const std::size_t dash = name.rfind('-');
  if (dash == std::string_view::npos || dash + 1 == name.size()) return std::nullopt;
  std::uint64_t serial = 0;
  const char* end = name.data() + name.size();
  const auto [last, error] = std::from_chars(name.data() + dash + 1, end, serial);
  if (error != std::errc() || last != end) return std::nullopt;
  return serial;
}

}  // namespace mirari::instances
