#include "listen_address.hpp"

#include <boost/asio/ip/address.hpp>
#include <charconv>

namespace mirari::host {

namespace {

std::uint16_t parse_port(std::string_view text, std::string_view whole) {
  unsigned port = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), port);
  if (text.empty() || error != std::errc() || end != text.data() + text.size() || port > 65535) {
    throw std::invalid_argument("'" + std::string(whole) +
                                "' has no port number (0 to 65535) after the last ':'");
  }
  return static_cast<std::uint16_t>(port);
}

}  // namespace

ListenAddress parse_listen_address(std::string_view text) {
  const std::size_t colon = text.rfind(':');
  if (colon == std::string_view::npos) return {"127.0.0.1", parse_port(text, text)};
  std::string_view host = text.substr(0, colon);
  const std::uint16_t port = parse_port(text.substr(colon + 1), text);
  if (host.empty() || host == "localhost") return {"127.0.0.1", port};
  if (host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
    boost::system::error_code ec;
    const auto ip = boost::asio::ip::make_address_v6(std::string(host), ec);
    if (!ec) return {ip.to_string(), port};
  } else {
    boost::system::error_code ec;
    const auto ip = boost::asio::ip::make_address_v4(std::string(host), ec);
    if (!ec) return {ip.to_string(), port};
  }
  throw std::invalid_argument("'" + std::string(text) +
                              "' does not start with an IP address (\"127.0.0.1:9464\", "
                              "\"[::1]:9464\") or localhost");
}

std::string to_string(const ListenAddress& address) {
  const bool v6 = address.ip.find(':') != std::string::npos;
  return (v6 ? "[" + address.ip + "]" : address.ip) + ":" + std::to_string(address.port);
}

}  // namespace mirari::host
