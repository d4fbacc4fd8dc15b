// Port catalogue: what the network ports share. See net.hpp and arp.hpp.
#pragma once

#include <nlohmann/json.hpp>

#include "mirari/type_layout.hpp"

namespace mirari::ports::ip {

// The IP version of an address. JSON: "ipv4", "ipv6".
enum class Family { ipv4, ipv6 };

NLOHMANN_JSON_SERIALIZE_ENUM(Family, {{Family::ipv4, "ipv4"}, {Family::ipv6, "ipv6"}})

}  // namespace mirari::ports::ip

MIRARI_ENUM(mirari::ports::ip::Family, "ip.family", ipv4, ipv6)
