#include "control_client.hpp"

#include <boost/asio/read_until.hpp>
#include <boost/asio/write.hpp>

#include "bounded_json.hpp"

namespace mirari::host {

using boost::asio::local::stream_protocol;
using nlohmann::json;

namespace {
// A response wraps a port's value (itself at most kMaxRequestDepth deep when it was written
// through the socket) in a few levels; plugins' own values may nest more.
constexpr std::size_t kMaxResponseDepth = 1024;
}  // namespace

ControlClient::ControlClient(const std::filesystem::path& socket) : path_(socket), socket_(io_) {
  boost::system::error_code ec;
  socket_.connect(stream_protocol::endpoint(socket.string()), ec);
  if (ec) {
    throw ControlClientError("cannot connect to " + socket.string() + ": " + ec.message() +
                             " (is mirarid running? --socket or MIRARI_SOCKET name its socket)");
  }
}

void ControlClient::send_line(const std::string& line) {
  boost::system::error_code ec;
  boost::asio::write(socket_, boost::asio::buffer(line), ec);
  if (ec)
    throw ControlClientError("lost the connection to " + path_.string() + ": " + ec.message());
}

json ControlClient::call(json request) {
  const std::int64_t id = ++next_id_;
  request["id"] = id;
  send_line(request.dump() + "\n");
  while (auto response = next()) {
    if (response->value("id", json()) == json(id)) return *response;
  }
  throw ControlClientError("mirarid closed the connection before answering");
}

std::optional<json> ControlClient::next() {
  boost::system::error_code ec;
  const std::size_t size = boost::asio::read_until(socket_, in_, '\n', ec);
  if (ec == boost::asio::error::eof) return std::nullopt;
  if (ec)
    throw ControlClientError("lost the connection to " + path_.string() + ": " + ec.message());
  std::string line(boost::asio::buffers_begin(in_.data()),
                   boost::asio::buffers_begin(in_.data()) + static_cast<std::ptrdiff_t>(size));
  in_.consume(size);
  try {
    return parse_bounded_json(line, kMaxResponseDepth);
  } catch (const BadJson& e) {
    throw ControlClientError(std::string("mirarid sent a line that cannot be read: ") + e.what());
  }
}

}  // namespace mirari::host
