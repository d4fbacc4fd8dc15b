// What xenstored answers to each request (docs/misc/xenstore.txt), for connections known by
// number only: the store, the watches, and which domains are introduced. Sockets are the
// server's business (xenstore_server.hpp).
//
// Every connection is dom0's: permissions are kept and reported but never enforced, and
// relative paths are below /local/domain/0. Dom0 counts as introduced from the start.
//
// Not thread-safe: the server calls it from its one thread.
#pragma once

#include <cstdint>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "store.hpp"
#include "watches.hpp"
#include "wire.hpp"

namespace mirari::xenstored {

struct Outgoing {
  ConnectionId to;
  std::string message;  // encoded (wire.hpp)
};

struct Response {
  // The reply to the requester first, then the watch events the request fired, in order.
  std::vector<Outgoing> messages;
  // XS_CONTROL "drop-connections": close every other connection once messages are queued.
  bool drop_other_connections = false;
};

class RequestHandler {
 public:
  // Answers one request: a reply or an XS_ERROR for every message, whatever its type or
  // payload.
  Response handle(ConnectionId from, const Header& header, std::string_view payload);
  // Forgets the connection's watches and aborts its transactions.
  void disconnected(ConnectionId id);
  // Writes each node (canonical absolute path, value) in order, as a connection writing
  // outside a transaction would; returns the watch events the writes fire, in order.
  std::vector<Outgoing> write_nodes(const std::vector<std::pair<std::string, std::string>>& nodes);

 private:
  // What a request causes besides its reply.
  struct Effects {
    std::vector<WatchEvent> events;  // sent before those of changes
    std::vector<Change> changes;
    bool drop_other_connections = false;
  };

  // Appends the events that changes fire after those already in events, as messages.
  void send_events(std::vector<WatchEvent> events, const std::vector<Change>& changes,
                   std::vector<Outgoing>& messages) const;
  // The reply's payload; throws ProtocolError for an error reply.
  std::string answer(ConnectionId from, const Header& header, std::string_view payload,
                     Effects& effects);
  std::string write(ConnectionId from, const Header& header, std::string_view payload,
                    Effects& effects);
  std::string directory(ConnectionId from, const Header& header, std::string_view payload);
  std::string directory_part(ConnectionId from, const Header& header, std::string_view payload);
  std::string set_permissions(ConnectionId from, const Header& header, std::string_view payload,
                              Effects& effects);
  std::string watch(ConnectionId from, std::string_view payload, Effects& effects);
  std::string unwatch(ConnectionId from, std::string_view payload);
  std::string transaction_start(ConnectionId from, const Header& header);
  std::string transaction_end(ConnectionId from, const Header& header, std::string_view payload,
                              Effects& effects);
  std::string introduce(std::string_view payload, Effects& effects);
  std::string release(std::string_view payload, Effects& effects);
  std::string control(std::string_view payload, Effects& effects);

  Store store_;
  Watches watches_;
  std::set<std::uint32_t> introduced_{0};
};

}  // namespace mirari::xenstored
