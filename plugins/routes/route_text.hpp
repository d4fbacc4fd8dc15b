// Prefixes and addresses as text: checked, and written in one canonical form (inet_ntop's),
// so that what a router reports compares equal to what was asked of it.
#pragma once

#include <stdexcept>
#include <string>

namespace mirari::routes {

// Text that is not a prefix or an address; what() says why, quoting the text.
class RouteTextError : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

struct Prefix {
  int family = 0;  // AF_INET or AF_INET6
  unsigned char address[16] = {};
  unsigned length = 0;  // bits
  std::string text;     // canonical: "198.51.100.0/24", "2001:db8:1::/48"
};

// Parses "ADDRESS/LENGTH". Throws RouteTextError when text is not one, when the length is
// over the family's, or when bits beyond the length are set ("198.51.100.1/24").
Prefix parse_prefix(const std::string& text);

// The canonical form of an address of family. Throws RouteTextError when text is not an
// address of that family.
std::string canonical_address(const std::string& text, int family);

// An address of either family in canonical form, or "" when text is not one.
std::string address_or_empty(const std::string& text);

// Whether name can be a network interface's name (1 to 15 bytes, no '/', ':' or space).
bool interface_name(const std::string& name);

}  // namespace mirari::routes
