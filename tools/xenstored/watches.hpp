// The watches connections have set, and which of them a change fires.
//
// A watch on W fires for a change to W or to any path below it, with the changed path; when the
// change removed a node above W, the watch fires with W itself (its node went too). A watch set
// with a relative path gets relative event paths. Each (connection, path, token) is set at most
// once; watches fire in the order they were set.
#pragma once

#include <string>
#include <vector>

#include "store.hpp"

namespace mirari::xenstored {

struct WatchEvent {
  ConnectionId to;
  std::string path;  // as the watch's owner wrote its watch: absolute or relative
  std::string token;
};

class Watches {
 public:
  // path is as the client sent it, canonical its canonical_path(). Throws
  // ProtocolError(EEXIST) when the connection already has this watch.
  void add(ConnectionId owner, std::string path, std::string canonical, std::string token);
  // Throws ProtocolError(ENOENT) when the connection has no such watch.
  void remove(ConnectionId owner, const std::string& canonical, const std::string& token);
  void remove_all(ConnectionId owner);

  std::vector<WatchEvent> fired_by(const Change& change) const;

 private:
  struct Watch {
    ConnectionId owner;
    std::string path;
    std::string canonical;
    std::string token;
  };
  std::vector<Watch> watches_;
};

}  // namespace mirari::xenstored
