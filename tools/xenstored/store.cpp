#include "store.hpp"

#include <algorithm>
#include <cerrno>
#include <optional>

#include "protocol_error.hpp"

namespace mirari::xenstored {

Store::Store() {
  tree_.on_change([this](const std::string& path, const Node* before) {
    for (auto& [id, transaction] : transactions_) transaction.view.remember(path, before);
  });
}

std::string Store::read(ConnectionId owner, TransactionId tx, const std::string& path) {
  return tree_for(owner, tx).get(path).value;
}

std::vector<Change> Store::write(ConnectionId owner, TransactionId tx, const std::string& path,
                                 std::string value) {
  tree_for(owner, tx).write(path, std::move(value));
  return made(owner, tx, {path, false});
}

std::vector<Change> Store::mkdir(ConnectionId owner, TransactionId tx, const std::string& path) {
  if (!tree_for(owner, tx).mkdir(path)) return {};
  return made(owner, tx, {path, false});
}

std::vector<Change> Store::remove(ConnectionId owner, TransactionId tx, const std::string& path) {
  if (!tree_for(owner, tx).remove(path)) return {};
  return made(owner, tx, {path, true});
}

Listing Store::directory(ConnectionId owner, TransactionId tx, const std::string& path) {
  const Node& node = tree_for(owner, tx).get(path);
  return {node.generation, node.children};
}

std::vector<std::string> Store::permissions(ConnectionId owner, TransactionId tx,
                                            const std::string& path) {
  return tree_for(owner, tx).get(path).permissions;
}

std::vector<Change> Store::set_permissions(ConnectionId owner, TransactionId tx,
                                           const std::string& path,
                                           std::vector<std::string> permissions) {
  tree_for(owner, tx).set_permissions(path, std::move(permissions));
  return made(owner, tx, {path, false});
}

TransactionId Store::start(ConnectionId owner) {
  do {
    ++last_id_;
  } while (last_id_ == 0 || transactions_.contains(last_id_));
  transactions_.emplace(last_id_, Transaction{owner, Tree::view_of(tree_), {}});
  return last_id_;
}

std::vector<Change> Store::commit(ConnectionId owner, TransactionId tx) {
  Transaction* found = find(owner, tx);
  if (found == nullptr) throw ProtocolError(ENOENT, "no transaction " + std::to_string(tx));
  Transaction transaction = std::move(*found);
  transactions_.erase(tx);

  for (const auto& [path, before] : transaction.view.accessed()) {
    const Node* now = tree_.find(path);
    if ((now ? std::optional(now->generation) : std::nullopt) != before) {
      throw ProtocolError(EAGAIN, "transaction " + std::to_string(tx) + " conflicts at " + path);
    }
  }
  for (const auto& path : transaction.view.changed()) {
    tree_.replace(path, transaction.view.find(path));
  }
  std::vector<Change> changes;
  for (auto& change : transaction.changes) {
    const auto same_path = std::find_if(changes.begin(), changes.end(),
                                        [&](const Change& c) { return c.path == change.path; });
    if (same_path == changes.end()) {
      changes.push_back(std::move(change));
    } else {
      // A node written and then removed fires as removed, so watches below it fire too.
      same_path->removal = same_path->removal || change.removal;
    }
  }
  return changes;
}

void Store::abort(ConnectionId owner, TransactionId tx) {
  if (find(owner, tx) == nullptr) {
    throw ProtocolError(ENOENT, "no transaction " + std::to_string(tx));
  }
  transactions_.erase(tx);
}

void Store::abort_all(ConnectionId owner) {
  std::erase_if(transactions_, [owner](const auto& entry) { return entry.second.owner == owner; });
}

Store::Transaction* Store::find(ConnectionId owner, TransactionId tx) {
  const auto it = transactions_.find(tx);
  return it == transactions_.end() || it->second.owner != owner ? nullptr : &it->second;
}

Tree& Store::tree_for(ConnectionId owner, TransactionId tx) {
  if (tx == 0) return tree_;
  Transaction* transaction = find(owner, tx);
  if (transaction == nullptr) throw ProtocolError(ENOENT, "no transaction " + std::to_string(tx));
  return transaction->view;
}

std::vector<Change> Store::made(ConnectionId owner, TransactionId tx, Change change) {
  if (tx == 0) return {std::move(change)};
  find(owner, tx)->changes.push_back(std::move(change));
  return {};
}

}  // namespace mirari::xenstored
