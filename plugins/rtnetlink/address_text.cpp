#include "rtnetlink/address_text.hpp"

#include <arpa/inet.h>
#include <sys/socket.h>

#include <array>

namespace mirari::rtnetlink {

std::string hardware_address_text(std::span<const std::byte> bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string text;
  text.reserve(bytes.size() * 3);
  for (std::byte b : bytes) {
    if (!text.empty()) text.push_back(':');
    const auto value = std::to_integer<unsigned>(b);
    text.push_back(kDigits[value >> 4]);
    text.push_back(kDigits[value & 0xf]);
  }
  return text;
}

std::optional<std::string> ip_address_text(Family family, std::span<const std::byte> bytes) {
  const int af = family == Family::ipv4 ? AF_INET : AF_INET6;
  const std::size_t size = family == Family::ipv4 ? 4 : 16;
  if (bytes.size() != size) return std::nullopt;
  std::array<char, INET6_ADDRSTRLEN> text{};
  if (::inet_ntop(af, bytes.data(), text.data(), text.size()) == nullptr) return std::nullopt;
  return std::string(text.data());
}

}  // namespace mirari::rtnetlink
