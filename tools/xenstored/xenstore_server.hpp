// A XenStore daemon for development, tests and benchmarks, where no hypervisor runs: speaks the
// xenstored socket protocol (xen/io/xs_wire.h, docs/misc/xenstore.txt) on a unix socket, so that
// the real libxenstore talks to it when XENSTORED_PATH names that socket, and code under test runs
// as it would on a Xen host.
//
//   mirari::xenstored::XenstoreServer server(dir / "xenstored.sock");
//   ::setenv("XENSTORED_PATH", server.socket_path().c_str(), 1);
//   xs_handle* xs = xs_open(0);
//
// It keeps a tree that starts as a fresh xenstored's ("/", "/local", "/local/domain", "/tool"),
// with watches (including @introduceDomain and @releaseDomain), transactions that commit
// optimistically or fail with EAGAIN, directory listing in parts, and domain
// introduction. Every connection counts as dom0's: permissions are stored but not enforced,
// and relative paths are below /local/domain/0.
//
// The public methods may be called from any thread but not concurrently with the destructor.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace mirari::xenstored {

class XenstoreServer {
 public:
  // Listens on socket_path (replacing a stale socket file) and serves on a thread of its own
  // until destroyed. Throws std::system_error naming the path when it cannot listen, also when
  // another server answers on that path.
  explicit XenstoreServer(std::filesystem::path socket_path);
  // Closes every connection, joins the thread, removes the socket file.
  ~XenstoreServer();
  XenstoreServer(const XenstoreServer&) = delete;
  XenstoreServer& operator=(const XenstoreServer&) = delete;

  const std::filesystem::path& socket_path() const;
  // Closes every client connection, as a xenstored that restarts would; the store's contents
  // stay (open transactions and watches go with their connections). Returns once they are
  // closed.
  void drop_connections();
  // Writes each node (an absolute path, its value) in order, as a client writing outside a
  // transaction would: missing parents are created, and the watches the writes fire get
  // their events. For filling a store fast: no round trip per node. Returns once every node
  // is written. Throws std::invalid_argument naming the first path that is not a valid
  // absolute path, before writing any.
  void write(const std::vector<std::pair<std::string, std::string>>& nodes);
  // Requests answered so far, on every connection.
  std::uint64_t requests() const;
  // Client connections open now.
  std::size_t connections() const;
  // Malformed messages that closed their connection: a header whose len exceeds
  // XENSTORE_PAYLOAD_MAX, or a connection that ended mid-message.
  std::uint64_t rejected_messages() const;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace mirari::xenstored
