// The IP version of a kernel address family, as ports carry it (mirari/ports/ip.hpp).
#pragma once

#include <optional>

#include <mirari/ports/ip.hpp>

namespace mirari::rtnetlink {

using Family = ports::ip::Family;

// The family of a kernel address family number; none for others (AF_BRIDGE, ...).
std::optional<Family> family_of(int address_family) noexcept;

}  // namespace mirari::rtnetlink
