// One client's socket: reads whole messages one at a time and in order, and writes the
// messages queued for it one after another, so that replies and watch events never
// interleave on the wire.
//
// Lives on the server's thread; every method is called there. The object stays alive while an
// operation on its socket is pending, so the server may forget it as soon as it closes it.
#pragma once

#include <array>
#include <boost/asio/local/stream_protocol.hpp>
#include <deque>
#include <functional>
#include <memory>
#include <string>

#include "store.hpp"
#include "wire.hpp"

namespace mirari::xenstored {

class Connection : public std::enable_shared_from_this<Connection> {
 public:
  using Socket = boost::asio::local::stream_protocol::socket;
  struct Callbacks {
    // A whole message arrived; the next is read once this returns.
    std::function<void(Connection&, const Header&, const std::string& payload)> message;
    // The connection ended: the peer closed it or its socket failed (rejected: false), or it
    // sent a header with len over XENSTORE_PAYLOAD_MAX or closed mid-message (rejected: true).
    // Not called after close().
    std::function<void(Connection&, bool rejected)> closed;
  };

  Connection(Socket socket, ConnectionId id, Callbacks callbacks);
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  ConnectionId id() const noexcept { return id_; }
  // Starts reading messages.
  void start();
  // Queues an encoded message (wire.hpp); dropped once the connection is closed.
  void send(std::string message);
  // Closes the socket at once, dropping queued messages. Idempotent.
  void close();

 private:
  void read_header();
  void read_payload();
  void write_next();
  void end(bool rejected);

  Socket socket_;
  const ConnectionId id_;
  Callbacks callbacks_;
  std::array<char, kHeaderSize> header_bytes_{};
  Header header_;
  std::string payload_;
  std::deque<std::string> outgoing_;  // front() is being written when not empty
  bool closed_ = false;
};

}  // namespace mirari::xenstored
