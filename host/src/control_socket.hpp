// The control socket: a unix stream socket speaking JSON lines (control_commands.hpp).
//
// The socket file has mode 0600, and each client's credentials (SO_PEERCRED) are checked:
// only root and the daemon's own user may connect; anyone else gets one error line and is
// disconnected. A client sends one request per line and may send the next before the answer
// to the previous one; a line that is not a request gets an error response and the
// connection stays open. A line longer than kMaxLine is answered with an error and the client
// disconnected. A client's unsent responses are kept in one buffer whose capacity (what it
// really holds) is counted: a client that stops reading while they hold more than
// limits.per_client is disconnected, and when all clients' unsent responses hold more than
// limits.all_clients, the client holding the most is.
//
// Threads: clients are served on the control thread (`io`), never on the graph's: reading,
// parsing, `status` (ControlCommands::answer_here) and writing go on while the graph's thread
// is busy (a long effect). Every other command runs on the graph's strand; a client's next
// line is read once its previous command has run there, so responses keep request order.
//
// Invariants: a session's state is touched on the control thread only (responses from the
// graph's thread are posted there); every client cleanup (on_disconnect) runs on the graph's
// strand exactly once, after the client is gone, in a handler of its own.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cstddef>
#include <filesystem>
#include <memory>
#include <stdexcept>
#include <vector>

namespace spdlog {
class logger;
}

namespace mirari::host {

class ControlCommands;

class ControlSocketError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct OutputLimits {
  std::size_t per_client = 64u << 20;
  std::size_t all_clients = 256u << 20;
};

class ControlSocket {
 public:
  static constexpr std::size_t kMaxLine = 1 << 20;
  // A client's write buffer up to this size is kept between writes.
  static constexpr std::size_t kKeptBuffer = 64u << 10;

  // Binds path and listens; clients that connect wait until start(). Sessions run on io (the
  // control thread), commands on graph. A socket file left by a daemon that is gone is
  // replaced; one a live daemon listens on is not. Throws ControlSocketError.
  ControlSocket(boost::asio::any_io_executor io, boost::asio::any_io_executor graph,
                std::filesystem::path path, ControlCommands& commands, spdlog::logger& log,
                OutputLimits limits = {});
  // Closes and removes the socket file. On the control thread, or once it has ended.
  ~ControlSocket();
  ControlSocket(const ControlSocket&) = delete;
  ControlSocket& operator=(const ControlSocket&) = delete;

  // Starts accepting clients. Control thread.
  void start();
  // Stops accepting and disconnects every client. Control thread.
  void close();

 private:
  class Session;
  struct Output;
  void accept();
  // Disconnects the client whose unsent responses hold the most.
  void shed();

  boost::asio::any_io_executor io_;
  boost::asio::any_io_executor graph_;
  std::filesystem::path path_;
  ControlCommands& commands_;
  spdlog::logger& log_;
  boost::asio::local::stream_protocol::acceptor acceptor_;
  boost::asio::steady_timer retry_;  // after a failed accept (out of descriptors)
  std::shared_ptr<Output> output_;
  std::vector<std::weak_ptr<Session>> sessions_;
  std::uint64_t next_number_ = 0;
};

}  // namespace mirari::host
