// The store as clients see it: one tree, and transactions on private views of it.
//
// A transaction sees the tree as it was when it started plus its own changes; its view
// copies nothing at the start (tree.hpp), so a transaction costs what it reads and changes,
// not the store's size. Commit is
// optimistic, as in C xenstored: it fails with EAGAIN when any node the transaction read,
// listed or changed has changed, appeared or disappeared in the tree since the start; else
// every node the transaction changed is copied into the tree at once, so other connections
// never see part of a transaction. Either way the transaction is gone afterwards.
//
// Not thread-safe: the server calls it from its one thread.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "tree.hpp"

namespace mirari::xenstored {

using ConnectionId = std::uint64_t;
// Who the server's own writes (XenstoreServer::write) come from; connections count from 1.
inline constexpr ConnectionId kServerConnection = 0;
using TransactionId = std::uint32_t;  // 0: no transaction

// A change that watches fire for (watches.hpp).
struct Change {
  std::string path;      // absolute, or a special watch path
  bool removal = false;  // the node and everything below it went
};

struct Listing {
  std::uint64_t generation;
  std::vector<std::string> children;
};

class Store {
 public:
  Store();
  // Not copyable: the tree's change callback holds this store.
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  // Each operation runs in transaction tx of connection `owner`, or on the tree itself when
  // tx is 0; a tx that is not one of owner's open transactions throws ProtocolError(ENOENT).
  // Paths are canonical (path.hpp); errors are those of Tree. The changes returned are those
  // to fire watches for now: none inside a transaction (they fire at commit).
  std::string read(ConnectionId owner, TransactionId tx, const std::string& path);
  std::vector<Change> write(ConnectionId owner, TransactionId tx, const std::string& path,
                            std::string value);
  std::vector<Change> mkdir(ConnectionId owner, TransactionId tx, const std::string& path);
  std::vector<Change> remove(ConnectionId owner, TransactionId tx, const std::string& path);
  Listing directory(ConnectionId owner, TransactionId tx, const std::string& path);
  std::vector<std::string> permissions(ConnectionId owner, TransactionId tx,
                                       const std::string& path);
  std::vector<Change> set_permissions(ConnectionId owner, TransactionId tx, const std::string& path,
                                      std::vector<std::string> permissions);

  // A new transaction of owner; its id is not 0 and not in use.
  TransactionId start(ConnectionId owner);
  // Applies the transaction and returns the changes it made (each path once, in the order
  // first changed; a removal if any of its changes was), or throws ProtocolError(EAGAIN) on a
  // conflict, ENOENT for an unknown tx.
  std::vector<Change> commit(ConnectionId owner, TransactionId tx);
  // ProtocolError(ENOENT) for an unknown tx.
  void abort(ConnectionId owner, TransactionId tx);
  void abort_all(ConnectionId owner);

 private:
  struct Transaction {
    ConnectionId owner;
    Tree view;
    std::vector<Change> changes;
  };

  Transaction* find(ConnectionId owner, TransactionId tx);
  Tree& tree_for(ConnectionId owner, TransactionId tx);
  std::vector<Change> made(ConnectionId owner, TransactionId tx, Change change);

  Tree tree_;
  std::map<TransactionId, Transaction> transactions_;
  TransactionId last_id_ = 0;
};

}  // namespace mirari::xenstored
