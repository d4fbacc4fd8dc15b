// The IP version of an address, as ports carry it (JSON: "ipv4", "ipv6").
#pragma once

#include <cstdint>
#include <optional>

#include <nlohmann/json.hpp>

namespace mirari::rtnetlink {

enum class Family { ipv4, ipv6 };

// The family of a kernel address family number; none for others (AF_BRIDGE, ...).
std::optional<Family> family_of(int address_family) noexcept;

NLOHMANN_JSON_SERIALIZE_ENUM(Family, {{Family::ipv4, "ipv4"}, {Family::ipv6, "ipv6"}})

}  // namespace mirari::rtnetlink
