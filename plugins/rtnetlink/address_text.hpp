// The text forms ports use for the binary addresses rtnetlink carries.
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <string>

#include "rtnetlink/family.hpp"

namespace mirari::rtnetlink {

// A link-layer address as lower-case hex bytes joined by ':' ("02:00:5e:10:00:01"); empty
// for no bytes.
std::string hardware_address_text(std::span<const std::byte> bytes);

// An IP address in its usual text form ("192.0.2.1", "2001:db8::1"); none when the bytes
// are not an address of that family.
std::optional<std::string> ip_address_text(Family family, std::span<const std::byte> bytes);

}  // namespace mirari::rtnetlink
