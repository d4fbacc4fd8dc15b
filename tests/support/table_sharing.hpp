// How much two versions of a mirari::Table share: tests of the watchers' models use it to
// show that publishing a change copies only the path to what changed, whatever the table's
// size. Reads the trie through mirari::detail::TableAccess.
#pragma once

#include <cstddef>
#include <cstdint>
#include <unordered_set>
#include <vector>

#include <mirari/table.hpp>

namespace mirari::testing {

template <class K, class V>
using TableNode = detail::champ::Node<K, V>;

// The nodes of table's trie.
template <class K, class V>
std::size_t node_count(const Table<K, V>& table) {
  std::size_t count = 0;
  detail::champ::Trie<K, V>::for_each_node(detail::TableAccess::root(table),
                                           [&](const TableNode<K, V>*) {
                                             ++count;
                                             return true;
                                           });
  return count;
}

// The nodes of after's trie that before's does not hold: what making after from before
// copied or allocated. A subtree that after shares with before is not entered.
template <class K, class V>
std::size_t unshared_nodes(const Table<K, V>& before, const Table<K, V>& after) {
  using Trie = detail::champ::Trie<K, V>;
  std::unordered_set<const TableNode<K, V>*> held;
  Trie::for_each_node(detail::TableAccess::root(before), [&](const TableNode<K, V>* node) {
    held.insert(node);
    return true;
  });
  std::size_t unshared = 0;
  Trie::for_each_node(detail::TableAccess::root(after), [&](const TableNode<K, V>* node) {
    if (held.contains(node)) return false;
    ++unshared;
    return true;
  });
  return unshared;
}

// The nodes on the path from table's root to the node that holds key (or would hold it).
template <class K, class V>
std::size_t path_length(const Table<K, V>& table, const K& key) {
  namespace champ = detail::champ;
  const std::uint64_t hash = champ::hash_of(key);
  std::size_t length = 0;
  const TableNode<K, V>* node = detail::TableAccess::root(table);
  for (unsigned shift = 0; node != nullptr; shift += champ::kBits) {
    ++length;
    if (node->kind == champ::Kind::collision) break;
    const std::uint32_t bit = champ::bit_at(hash, shift);
    if ((node->nodemap & bit) == 0) break;
    node = champ::Trie<K, V>::children(node)[champ::index_in(node->nodemap, bit)];
  }
  return length;
}

// The keys whose values differ between the two versions, as mirari::diff visits them.
template <class K, class V>
std::vector<K> changed_keys(const Table<K, V>& before, const Table<K, V>& after) {
  std::vector<K> keys;
  diff(before, after, [&](const K& key, const V*, const V*) { keys.push_back(key); });
  return keys;
}

}  // namespace mirari::testing
