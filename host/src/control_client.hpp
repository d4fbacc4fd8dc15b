// A client of mirarid's control socket (control_commands.hpp has the protocol): what
// mirarictl, and anything else that scripts the daemon, speaks through.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/streambuf.hpp>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>

namespace mirari::host {

// Not connected, or the connection broke; what() is one line fit for a user.
class ControlClientError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class ControlClient {
 public:
  // Throws ControlClientError when no daemon listens on socket.
  explicit ControlClient(const std::filesystem::path& socket);

  // Sends request with a fresh id and returns the response carrying that id.
  nlohmann::json call(nlohmann::json request);
  // Sends one line as it is.
  void send_line(const std::string& line);
  // The next response line; nullopt once the daemon has closed the connection.
  std::optional<nlohmann::json> next();

 private:
  std::filesystem::path path_;
  boost::asio::io_context io_;
  boost::asio::local::stream_protocol::socket socket_;
  boost::asio::streambuf in_;
  std::int64_t next_id_ = 0;
};

}  // namespace mirari::host
