#include "ip_prefix.hpp"

#include <stdexcept>

#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/network_v4.hpp>
#include <boost/asio/ip/network_v6.hpp>

namespace mirari::policies {

namespace ip = boost::asio::ip;

bool is_ip_address(const std::string& text) {
  boost::system::error_code ec;
  (void)ip::make_address(text, ec);
  return !ec;
}

std::string canonical_prefix(const std::string& text) {
  boost::system::error_code ec;
  const auto slash = text.find('/');
  if (slash == std::string::npos) {
    throw std::invalid_argument("'" + text + "' is not a prefix (address/length)");
  }
  const ip::address address = ip::make_address(text.substr(0, slash), ec);
  if (ec) throw std::invalid_argument("'" + text + "' is not a prefix (address/length)");
  std::string canonical;
  if (address.is_v4()) {
    const ip::network_v4 net = ip::make_network_v4(text, ec);
    if (ec) throw std::invalid_argument("'" + text + "' is not a prefix (address/length)");
    canonical = net.canonical().to_string();
  } else {
    const ip::network_v6 net = ip::make_network_v6(text, ec);
    if (ec) throw std::invalid_argument("'" + text + "' is not a prefix (address/length)");
    canonical = net.canonical().to_string();
  }
  const std::string written = address.to_string() + text.substr(slash);
  if (canonical != written) {
    throw std::invalid_argument("'" + text + "' has host bits set: the prefix is " + canonical);
  }
  return canonical;
}

ports::ip::Family prefix_family(const std::string& prefix) {
  return prefix.find(':') == std::string::npos ? ports::ip::Family::ipv4 : ports::ip::Family::ipv6;
}

std::optional<std::string> routable_network(const ports::net::Address& a) {
  boost::system::error_code ec;
  const ip::address address = ip::make_address(a.address, ec);
  if (ec || address.is_loopback()) return std::nullopt;
  if (address.is_v4()) {
    if ((address.to_v4().to_uint() & 0xffff0000u) == 0xa9fe0000u) return std::nullopt;
    if (a.prefix_length < 0 || a.prefix_length > 32) return std::nullopt;
    return ip::network_v4(address.to_v4(), static_cast<unsigned short>(a.prefix_length))
        .canonical()
        .to_string();
  }
  if (address.to_v6().is_link_local()) return std::nullopt;
  if (a.prefix_length < 0 || a.prefix_length > 128) return std::nullopt;
  return ip::network_v6(address.to_v6(), static_cast<unsigned short>(a.prefix_length))
      .canonical()
      .to_string();
}

}  // namespace mirari::policies
