#include "route_text.hpp"

#include <arpa/inet.h>
#include <net/if.h>

#include <algorithm>
#include <charconv>
#include <cstring>

namespace mirari::routes {

namespace {

bool parse_address(const std::string& text, int family, unsigned char* out) {
  return !text.empty() && ::inet_pton(family, text.c_str(), out) == 1;
}

std::string format(int family, const unsigned char* address) {
  char buffer[INET6_ADDRSTRLEN] = {};
  ::inet_ntop(family, address, buffer, sizeof buffer);
  return buffer;
}

}  // namespace

Prefix parse_prefix(const std::string& text) {
  const std::size_t slash = text.find('/');
  if (slash == std::string::npos) {
    throw RouteTextError("'" + text + "' is not a prefix (ADDRESS/LENGTH)");
  }
  const std::string address = text.substr(0, slash);
  const std::string length = text.substr(slash + 1);
  Prefix p;
  if (parse_address(address, AF_INET, p.address)) {
    p.family = AF_INET;
  } else if (parse_address(address, AF_INET6, p.address)) {
    p.family = AF_INET6;
  } else {
    throw RouteTextError("'" + text + "' is not a prefix: '" + address + "' is not an address");
  }
  const unsigned bits = p.family == AF_INET ? 32 : 128;
  const char* end = length.data() + length.size();
  auto [ptr, ec] = std::from_chars(length.data(), end, p.length);
  if (length.empty() || ec != std::errc() || ptr != end || p.length > bits) {
    throw RouteTextError("'" + text + "' is not a prefix: the length must be 0 to " +
                         std::to_string(bits));
  }
  for (unsigned bit = p.length; bit < bits; ++bit) {
    if ((p.address[bit / 8] & (0x80u >> (bit % 8))) != 0) {
      unsigned char network[16];
      std::memcpy(network, p.address, sizeof network);
      for (unsigned b = p.length; b < bits; ++b) network[b / 8] &= ~(0x80u >> (b % 8));
      throw RouteTextError("'" + text + "' has bits set beyond its length (the network is " +
                           format(p.family, network) + "/" + std::to_string(p.length) + ")");
    }
  }
  p.text = format(p.family, p.address) + "/" + std::to_string(p.length);
  return p;
}

std::string canonical_address(const std::string& text, int family) {
  unsigned char address[16] = {};
  if (!parse_address(text, family, address)) {
    throw RouteTextError("'" + text + "' is not an " +
                         std::string(family == AF_INET ? "IPv4" : "IPv6") + " address");
  }
  return format(family, address);
}

std::string address_or_empty(const std::string& text) {
  unsigned char address[16] = {};
  if (parse_address(text, AF_INET, address)) return format(AF_INET, address);
  if (parse_address(text, AF_INET6, address)) return format(AF_INET6, address);
  return {};
}

bool interface_name(const std::string& name) {
  return !name.empty() && name.size() < IFNAMSIZ && name != "." && name != ".." &&
         std::none_of(name.begin(), name.end(), [](char c) {
           return c == '/' || c == ':' || c == ' ' || c == '\t' || c == '\n' || c == '\0';
         });
}

}  // namespace mirari::routes
