// Internal: the trie behind mirari::Table, a CHAMP (Steindorfer & Vinju, "Optimizing
// Hash-Array Mapped Tries for Fast and Lean Immutable JVM Collections", OOPSLA 2015). Plugin
// authors use table.hpp instead.
//
// Shape. A key's hash is std::hash<K> passed through a 64-bit mixer. A node at depth d
// indexes its 32 positions by the hash bits [5d, 5d+5) (depth 12 has 4 bits left). A bitmap
// node keeps two bitmaps over the positions: datamap marks those holding one entry inline,
// nodemap those holding a child node. Entries, then children, are stored densely in position
// order in the node's own allocation. Below depth 12 no bits remain: there a collision node
// holds the entries whose whole hashes are equal, in the order they were added.
//
// Invariants. Canonical form — one content has one shape, so equality and diff compare two
// tries node by node and skip shared subtrees by pointer:
// - At every node a position holds nothing when no key of the subtree falls there, the entry
//   itself when exactly one does, and a child node when two or more do.
// - Hence a node other than the root holds at least two entries in its subtree and is never a
//   node with one entry and no child; the root may hold a single entry; an empty table has no
//   root at all.
// - Collision nodes sit at depth 13 only and hold two or more entries with distinct keys and
//   equal hashes; they are the only nodes whose order depends on history.
// Sharing:
// - A node reachable through more than one reference (refs > 1), or through a node that is,
//   never changes. Table operations never modify a node. A Builder modifies a node in place
//   only when it and every node on the path from the builder's root have refs == 1: no one
//   else can reach it. Nodes a builder made are such nodes until a Table shares them.
// - A node's refs count the references held to it: by its parent, by Tables and Builders.
// - data_count and child_count count the constructed entries and held children (the
//   destructor relies on them); in a finished bitmap node they equal the bitmaps' popcounts.
#pragma once

#include <algorithm>
#include <array>
#include <atomic>
#include <bit>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <new>
#include <type_traits>
#include <utility>

namespace mirari::detail::champ {

inline constexpr unsigned kBits = 5;
// The shift of the deepest bitmap level (depth 12); collision nodes sit below it.
inline constexpr unsigned kLastShift = 60;
// Depths 0..12 are bitmap nodes, depth 13 collision nodes.
inline constexpr unsigned kMaxDepth = 14;
inline constexpr std::uint32_t kNone = ~std::uint32_t{0};

// std::hash<int> is the identity: the mixer (MurmurHash3's finalizer) spreads its bits so
// that consecutive keys do not fill one node's positions in order.
inline std::uint64_t mix(std::uint64_t h) noexcept {
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdULL;
  h ^= h >> 33;
  h *= 0xc4ceb93fe53e94c3ULL;
  h ^= h >> 33;
  return h;
}

template <class K>
std::uint64_t hash_of(const K& key) {
  return mix(static_cast<std::uint64_t>(std::hash<K>{}(key)));
}

inline std::uint32_t bit_at(std::uint64_t hash, unsigned shift) noexcept {
  return std::uint32_t{1} << ((hash >> shift) & 31u);
}

// Every step down the trie counts bits. Where the target has no POPCNT instruction (x86-64's
// baseline) std::popcount is a call into libgcc; the same count stays inline below.
inline std::uint32_t index_in(std::uint32_t map, std::uint32_t bit) noexcept {
#if defined(__POPCNT__) || !(defined(__x86_64__) || defined(__i386__))
  return static_cast<std::uint32_t>(std::popcount(map & (bit - 1)));
#else
  std::uint32_t x = map & (bit - 1);
  x -= (x >> 1) & 0x55555555u;
  x = (x & 0x33333333u) + ((x >> 2) & 0x33333333u);
  return (((x + (x >> 4)) & 0x0f0f0f0fu) * 0x01010101u) >> 24;
#endif
}

// Nodes allocated by this thread, ever: lets tests and benchmarks measure what one change
// costs in memory. Thread-local, so it costs no synchronisation.
inline thread_local std::uint64_t allocated_nodes = 0;

enum class Kind : std::uint8_t { bitmap, collision };

// A node's header; its entries and child pointers follow it in the same allocation (see
// Trie for the layout).
template <class K, class V>
struct Node {
  mutable std::atomic<std::uint32_t> refs{1};
  std::uint32_t datamap = 0;
  std::uint32_t nodemap = 0;
  std::uint32_t data_count = 0;
  std::uint32_t data_capacity = 0;
  std::uint8_t child_count = 0;
  std::uint8_t child_capacity = 0;
  Kind kind = Kind::bitmap;

  // Acquire: pairs with the release in another thread's last release(), so that thread's
  // reads of this node happen before this thread's in-place writes.
  bool unique() const noexcept { return refs.load(std::memory_order_acquire) == 1; }
};

template <class K, class V>
struct Trie {
  using N = Node<K, V>;
  using Entry = std::pair<const K, V>;

  enum class Outcome : std::uint8_t { unchanged, replaced, added };

  // A builder shifts entries inside a node only when moving them cannot throw; otherwise it
  // copies the node, which leaves the original intact if a copy throws.
  static constexpr bool kNothrowRelocate = std::is_nothrow_copy_constructible_v<K> &&
                                           std::is_nothrow_move_constructible_v<K> &&
                                           std::is_nothrow_move_constructible_v<V>;

  // --- layout: [Node][Entry x data_capacity][N* x child_capacity] ---

  static constexpr std::size_t round_up(std::size_t n, std::size_t a) {
    return (n + a - 1) / a * a;
  }
  static constexpr std::size_t kAlign = std::max({alignof(N), alignof(Entry), alignof(N*)});
  static constexpr std::size_t kEntriesAt = round_up(sizeof(N), alignof(Entry));
  static std::size_t children_at(std::uint32_t data_capacity) {
    return round_up(kEntriesAt + data_capacity * sizeof(Entry), alignof(N*));
  }
  static std::size_t bytes(std::uint32_t data_capacity, std::uint32_t child_capacity) {
    return children_at(data_capacity) + child_capacity * sizeof(N*);
  }

  static Entry* entries(N* n) noexcept {
    return reinterpret_cast<Entry*>(reinterpret_cast<std::byte*>(n) + kEntriesAt);
  }
  static const Entry* entries(const N* n) noexcept {
    return reinterpret_cast<const Entry*>(reinterpret_cast<const std::byte*>(n) + kEntriesAt);
  }
  static N** children(N* n) noexcept {
    return reinterpret_cast<N**>(reinterpret_cast<std::byte*>(n) + children_at(n->data_capacity));
  }
  static N* const* children(const N* n) noexcept {
    return reinterpret_cast<N* const*>(reinterpret_cast<const std::byte*>(n) +
                                       children_at(n->data_capacity));
  }

  // --- lifetime ---

  static N* allocate(Kind kind, std::uint32_t data_capacity, std::uint32_t child_capacity) {
    const std::size_t size = bytes(data_capacity, child_capacity);
    void* memory = kAlign > __STDCPP_DEFAULT_NEW_ALIGNMENT__
                       ? ::operator new (size, std::align_val_t{kAlign})
                       : ::operator new(size);
    ++allocated_nodes;
    N* n = ::new (memory) N;
    n->kind = kind;
    n->data_capacity = data_capacity;
    n->child_capacity = static_cast<std::uint8_t>(child_capacity);
    return n;
  }

  static void deallocate(N* n) noexcept {
    n->~N();
    if constexpr (kAlign > __STDCPP_DEFAULT_NEW_ALIGNMENT__) {
      ::operator delete (static_cast<void*>(n), std::align_val_t{kAlign});
    } else {
      ::operator delete(static_cast<void*>(n));
    }
  }

  // Destroys what the node holds (as far as it was constructed) and frees it.
  static void destroy(N* n) noexcept {
    Entry* e = entries(n);
    for (std::uint32_t i = 0; i < n->data_count; ++i) e[i].~Entry();
    N** c = children(n);
    for (std::uint32_t j = 0; j < n->child_count; ++j) release(c[j]);
    deallocate(n);
  }

  static void retain(const N* n) noexcept {
    if (n != nullptr) n->refs.fetch_add(1, std::memory_order_relaxed);
  }
  static void release(const N* n) noexcept {
    if (n != nullptr && n->refs.fetch_sub(1, std::memory_order_acq_rel) == 1) {
      destroy(const_cast<N*>(n));
    }
  }

  // Data capacity of a node: exact for Table operations; a builder's nodes get room to take
  // further entries in place.
  static std::uint32_t room(std::uint32_t n, bool building, bool collision) {
    if (!building) return n;
    const std::uint32_t grown = std::bit_ceil(std::max<std::uint32_t>(n, 2));
    return collision ? grown : std::min<std::uint32_t>(grown, 32);
  }

  static bool is_singleton(const N* n) noexcept {
    return n->data_count == 1 && n->child_count == 0;
  }

  // Moves an entry to uninitialised memory (only where kNothrowRelocate holds).
  static void relocate(Entry* to, Entry& from) noexcept {
    ::new (static_cast<void*>(to)) Entry(from.first, std::move(from.second));
    from.~Entry();
  }

  // --- lookup ---

  static const V* find(const N* node, const K& key, std::uint64_t hash) {
    for (unsigned shift = 0; node != nullptr; shift += kBits) {
      if (node->kind == Kind::collision) {
        const Entry* e = entries(node);
        for (std::uint32_t i = 0; i < node->data_count; ++i) {
          if (e[i].first == key) return &e[i].second;
        }
        return nullptr;
      }
      const std::uint32_t bit = bit_at(hash, shift);
      if ((node->datamap & bit) != 0) {
        const Entry& e = entries(node)[index_in(node->datamap, bit)];
        return e.first == key ? &e.second : nullptr;
      }
      if ((node->nodemap & bit) == 0) return nullptr;
      node = children(node)[index_in(node->nodemap, bit)];
    }
    return nullptr;
  }

  // --- building a node from another ---

  // What a copy of a node changes: bitmaps, at most one entry and one child dropped, at most
  // one entry and one child added.
  struct Plan {
    std::uint32_t datamap = 0;
    std::uint32_t nodemap = 0;
    std::uint32_t drop_entry = kNone;  // index in the source
    std::uint32_t drop_child = kNone;  // index in the source
    std::uint32_t new_entry = kNone;   // index in the result; made by the caller's function
    std::uint32_t new_child = kNone;   // index in the result
    N* child = nullptr;                // the new child; the result takes its reference
  };

  // A new node with src's content changed as planned. When owned, src is consumed (its entries
  // moved out when that cannot throw, else copied); otherwise src is left as it was. On an
  // exception nothing changed and plan.child still belongs to the caller.
  template <class MakeEntry>
  static N* rebuild(N* src, bool owned, bool building, const Plan& plan, MakeEntry&& make_entry) {
    const bool steal = owned && kNothrowRelocate;
    const std::uint32_t data =
        src->data_count - (plan.drop_entry != kNone ? 1 : 0) + (plan.new_entry != kNone ? 1 : 0);
    const std::uint32_t kids =
        src->child_count - (plan.drop_child != kNone ? 1 : 0) + (plan.new_child != kNone ? 1 : 0);
    N* dst = allocate(src->kind, room(data, building, src->kind == Kind::collision), kids);
    dst->datamap = plan.datamap;
    dst->nodemap = plan.nodemap;
    try {
      Entry* from = entries(src);
      Entry* to = entries(dst);
      for (std::uint32_t d = 0, s = 0; d < data; ++d) {
        if (d == plan.new_entry) {
          make_entry(to + d);
        } else {
          if (s == plan.drop_entry) ++s;
          if (steal) {
            ::new (static_cast<void*>(to + d)) Entry(from[s].first, std::move(from[s].second));
          } else {
            ::new (static_cast<void*>(to + d)) Entry(from[s]);
          }
          ++s;
        }
        ++dst->data_count;
      }
    } catch (...) {
      destroy(dst);
      throw;
    }
    N** from = children(src);
    N** to = children(dst);
    for (std::uint32_t d = 0, s = 0; d < kids; ++d) {
      if (d == plan.new_child) {
        to[d] = plan.child;
      } else {
        if (s == plan.drop_child) ++s;
        to[d] = from[s++];
        if (!steal) retain(to[d]);
      }
    }
    dst->child_count = static_cast<std::uint8_t>(kids);
    if (owned) {
      if (steal) {
        if (plan.drop_child != kNone) release(from[plan.drop_child]);
        src->child_count = 0;  // handed over to dst
      }
      release(src);
    }
    return dst;
  }

  static constexpr auto kNoEntry = [](Entry*) {};

  // --- set ---
  //
  // The update functions return what to hold at node's position. With owned false, node is
  // left as it was: the result is node itself when nothing changed, else a new node (refs 1).
  // With owned true (a builder holding the only path to node), node may be edited in place
  // and returned, or consumed and replaced; the caller stores whatever is returned.

  static N* set(N* node, bool owned, bool building, unsigned shift, std::uint64_t hash, K& key,
                V& value, Outcome& outcome) {
    if (node->kind == Kind::collision) {
      Entry* e = entries(node);
      for (std::uint32_t i = 0; i < node->data_count; ++i) {
        if (e[i].first == key) return set_value(node, owned, building, i, value, outcome);
      }
      outcome = Outcome::added;
      return insert_entry(node, owned, building, 0, node->data_count, key, value);
    }
    const std::uint32_t bit = bit_at(hash, shift);
    if ((node->datamap & bit) != 0) {
      const std::uint32_t i = index_in(node->datamap, bit);
      const Entry& e = entries(node)[i];
      if (e.first == key) return set_value(node, owned, building, i, value, outcome);
      outcome = Outcome::added;
      N* sub = merge(e, hash_of(e.first), key, value, hash, shift + kBits, building);
      Plan plan{.datamap = node->datamap ^ bit,
                .nodemap = node->nodemap | bit,
                .drop_entry = i,
                .new_child = index_in(node->nodemap, bit),
                .child = sub};
      try {
        return rebuild(node, owned, building, plan, kNoEntry);
      } catch (...) {
        release(sub);
        throw;
      }
    }
    if ((node->nodemap & bit) != 0) {
      const std::uint32_t j = index_in(node->nodemap, bit);
      N* child = children(node)[j];
      const bool child_owned = owned && child->unique();
      N* next = set(child, child_owned, building, shift + kBits, hash, key, value, outcome);
      return with_child(node, owned, building, j, child, child_owned, next);
    }
    outcome = Outcome::added;
    return insert_entry(node, owned, building, bit, index_in(node->datamap, bit), key, value);
  }

  static N* set_value(N* node, bool owned, bool building, std::uint32_t i, V& value,
                      Outcome& outcome) {
    Entry& e = entries(node)[i];
    if constexpr (std::equality_comparable<V>) {
      if (e.second == value) {
        outcome = Outcome::unchanged;
        return node;
      }
    }
    outcome = Outcome::replaced;
    if (owned) {
      e.second = std::move(value);
      return node;
    }
    Plan plan{.datamap = node->datamap, .nodemap = node->nodemap, .drop_entry = i, .new_entry = i};
    return rebuild(node, false, building, plan, [&](Entry* at) {
      ::new (static_cast<void*>(at)) Entry(e.first, std::move(value));
    });
  }

  // Adds (key, value) as entry i; bit is its position (0 in a collision node).
  static N* insert_entry(N* node, bool owned, bool building, std::uint32_t bit, std::uint32_t i,
                         K& key, V& value) {
    const bool appending = i == node->data_count;
    if (owned && node->data_count < node->data_capacity && (kNothrowRelocate || appending)) {
      Entry* e = entries(node);
      for (std::uint32_t k = node->data_count; k > i; --k) relocate(e + k, e[k - 1]);
      ::new (static_cast<void*>(e + i)) Entry(std::move(key), std::move(value));
      ++node->data_count;
      node->datamap |= bit;
      return node;
    }
    Plan plan{.datamap = node->datamap | bit, .nodemap = node->nodemap, .new_entry = i};
    return rebuild(node, owned, building, plan, [&](Entry* at) {
      ::new (static_cast<void*>(at)) Entry(std::move(key), std::move(value));
    });
  }

  // A subtree at shift holding existing (copied) and (key, value), whose hashes agree below
  // shift.
  static N* merge(const Entry& existing, std::uint64_t existing_hash, K& key, V& value,
                  std::uint64_t hash, unsigned shift, bool building) {
    if (shift > kLastShift) {
      N* node = allocate(Kind::collision, room(2, building, true), 0);
      try {
        ::new (static_cast<void*>(entries(node))) Entry(existing);
        ++node->data_count;
        ::new (static_cast<void*>(entries(node) + 1)) Entry(std::move(key), std::move(value));
        ++node->data_count;
      } catch (...) {
        destroy(node);
        throw;
      }
      return node;
    }
    const std::uint32_t a = bit_at(existing_hash, shift);
    const std::uint32_t b = bit_at(hash, shift);
    if (a == b) {
      N* sub = merge(existing, existing_hash, key, value, hash, shift + kBits, building);
      N* node = nullptr;
      try {
        node = allocate(Kind::bitmap, 0, 1);
      } catch (...) {
        release(sub);
        throw;
      }
      node->nodemap = a;
      children(node)[0] = sub;
      node->child_count = 1;
      return node;
    }
    N* node = allocate(Kind::bitmap, room(2, building, false), 0);
    node->datamap = a | b;
    try {
      Entry* e = entries(node);
      if (a < b) {
        ::new (static_cast<void*>(e)) Entry(existing);
        ++node->data_count;
        ::new (static_cast<void*>(e + 1)) Entry(std::move(key), std::move(value));
      } else {
        ::new (static_cast<void*>(e)) Entry(std::move(key), std::move(value));
        ++node->data_count;
        ::new (static_cast<void*>(e + 1)) Entry(existing);
      }
      ++node->data_count;
    } catch (...) {
      destroy(node);
      throw;
    }
    return node;
  }

  // node's child j was child; next is what the recursive update returned for it.
  static N* with_child(N* node, bool owned, bool building, std::uint32_t j, N* child,
                       bool child_owned, N* next) {
    if (next == child) return node;
    if (owned) {
      if (!child_owned) release(child);
      children(node)[j] = next;
      return node;
    }
    Plan plan{.datamap = node->datamap,
              .nodemap = node->nodemap,
              .drop_child = j,
              .new_child = j,
              .child = next};
    try {
      return rebuild(node, false, building, plan, kNoEntry);
    } catch (...) {
      release(next);
      throw;
    }
  }

  // --- erase ---

  static N* erase(N* node, bool owned, bool building, unsigned shift, std::uint64_t hash,
                  const K& key, bool& erased) {
    if (node->kind == Kind::collision) {
      const Entry* e = entries(node);
      for (std::uint32_t i = 0; i < node->data_count; ++i) {
        if (!(e[i].first == key)) continue;
        erased = true;
        if (node->data_count == 2) return singleton(node, owned, building, 1 - i, hash);
        return remove_entry(node, owned, building, 0, i);
      }
      return node;
    }
    const std::uint32_t bit = bit_at(hash, shift);
    if ((node->datamap & bit) != 0) {
      const std::uint32_t i = index_in(node->datamap, bit);
      if (!(entries(node)[i].first == key)) return node;
      erased = true;
      if (shift != 0 && node->data_count == 2 && node->child_count == 0) {
        // The other entry is left alone: it moves up to the first ancestor that holds more.
        const std::uint32_t other = 1 - i;
        return singleton(node, owned, building, other, hash_of(entries(node)[other].first));
      }
      return remove_entry(node, owned, building, bit, i);
    }
    if ((node->nodemap & bit) == 0) return node;
    const std::uint32_t j = index_in(node->nodemap, bit);
    N* child = children(node)[j];
    const bool child_owned = owned && child->unique();
    N* next = erase(child, child_owned, building, shift + kBits, hash, key, erased);
    if (next == child) return node;
    if (!is_singleton(next)) return with_child(node, owned, building, j, child, child_owned, next);
    if (node->data_count == 0 && node->child_count == 1) {
      // node held nothing but that child: the single entry keeps moving up.
      if (owned) {
        if (!child_owned) release(child);
        node->child_count = 0;
        release(node);
      }
      return next;
    }
    return inline_singleton(node, owned, building, bit, j, child, child_owned, next);
  }

  // A node holding only node's entry i, positioned as at the root (the bit of shift 0) so that
  // it can become the root as it is. hash is that entry's.
  static N* singleton(N* node, bool owned, bool building, std::uint32_t i, std::uint64_t hash) {
    N* single = allocate(Kind::bitmap, room(1, building, false), 0);
    single->datamap = bit_at(hash, 0);
    Entry& e = entries(node)[i];
    try {
      if (owned && kNothrowRelocate) {
        ::new (static_cast<void*>(entries(single))) Entry(e.first, std::move(e.second));
      } else {
        ::new (static_cast<void*>(entries(single))) Entry(e);
      }
    } catch (...) {
      deallocate(single);
      throw;
    }
    single->data_count = 1;
    if (owned) release(node);
    return single;
  }

  // node's child j (child) shrank to single (a singleton): its entry moves into node.
  static N* inline_singleton(N* node, bool owned, bool building, std::uint32_t bit, std::uint32_t j,
                             N* child, bool child_owned, N* single) {
    Entry& moving = entries(single)[0];
    Plan plan{.datamap = node->datamap | bit,
              .nodemap = node->nodemap ^ bit,
              .drop_child = j,
              .new_entry = index_in(node->datamap | bit, bit)};
    if (owned) {
      // node holds single in place of child; rebuilding consumes both.
      if (!child_owned) release(child);
      children(node)[j] = single;
      return rebuild(node, true, building, plan, [&](Entry* at) {
        if constexpr (kNothrowRelocate) {
          ::new (static_cast<void*>(at)) Entry(moving.first, std::move(moving.second));
        } else {
          ::new (static_cast<void*>(at)) Entry(moving);
        }
      });
    }
    // single is ours alone and dropped afterwards: its value may be moved out.
    N* result = nullptr;
    try {
      result = rebuild(node, false, building, plan, [&](Entry* at) {
        ::new (static_cast<void*>(at)) Entry(moving.first, std::move(moving.second));
      });
    } catch (...) {
      release(single);
      throw;
    }
    release(single);
    return result;
  }

  // Removes entry i; bit is its position (0 in a collision node).
  static N* remove_entry(N* node, bool owned, bool building, std::uint32_t bit, std::uint32_t i) {
    if (owned && kNothrowRelocate) {
      Entry* e = entries(node);
      e[i].~Entry();
      for (std::uint32_t k = i; k + 1 < node->data_count; ++k) relocate(e + k, e[k + 1]);
      --node->data_count;
      node->datamap ^= bit;
      return node;
    }
    Plan plan{.datamap = node->datamap ^ bit, .nodemap = node->nodemap, .drop_entry = i};
    return rebuild(node, owned, building, plan, kNoEntry);
  }

  // --- reading a whole trie ---

  // Calls visit(node) for every node, depth first; visit returns whether to enter its children.
  template <class Visit>
  static void for_each_node(const N* node, Visit&& visit) {
    if (node == nullptr || !visit(node)) return;
    N* const* c = children(node);
    for (std::uint32_t j = 0; j < node->child_count; ++j) for_each_node(c[j], visit);
  }

  template <class Fn>
  static void for_each_entry(const N* node, Fn&& fn, std::size_t& visited) {
    if (node == nullptr) return;
    ++visited;
    const Entry* e = entries(node);
    for (std::uint32_t i = 0; i < node->data_count; ++i) fn(e[i]);
    N* const* c = children(node);
    for (std::uint32_t j = 0; j < node->child_count; ++j) for_each_entry(c[j], fn, visited);
  }

  // Structural equality; shared subtrees compare equal by pointer. Relies on canonical form.
  static bool equal(const N* a, const N* b) {
    if (a == b) return true;
    if (a == nullptr || b == nullptr || a->kind != b->kind || a->datamap != b->datamap ||
        a->nodemap != b->nodemap || a->data_count != b->data_count) {
      return false;
    }
    const Entry* ea = entries(a);
    const Entry* eb = entries(b);
    if (a->kind == Kind::collision) {
      for (std::uint32_t i = 0; i < a->data_count; ++i) {
        const V* other = find_in_collision(b, ea[i].first);
        if (other == nullptr || !(*other == ea[i].second)) return false;
      }
      return true;
    }
    for (std::uint32_t i = 0; i < a->data_count; ++i) {
      if (!(ea[i].first == eb[i].first) || !(ea[i].second == eb[i].second)) return false;
    }
    N* const* ca = children(a);
    N* const* cb = children(b);
    for (std::uint32_t j = 0; j < a->child_count; ++j) {
      if (!equal(ca[j], cb[j])) return false;
    }
    return true;
  }

  static const V* find_in_collision(const N* node, const K& key) {
    const Entry* e = entries(node);
    for (std::uint32_t i = 0; i < node->data_count; ++i) {
      if (e[i].first == key) return &e[i].second;
    }
    return nullptr;
  }

  // Calls fn(key, before, after) for each key whose value differs between the tries a and b
  // (nullptr: absent), at the same shift. Subtrees shared by pointer are skipped. visited
  // counts the nodes read.
  template <class Fn>
  static void diff(const N* a, const N* b, Fn& fn, std::size_t& visited) {
    if (a == b) return;
    if (a == nullptr || b == nullptr) {
      if (a != nullptr)
        for_each_entry(
            a, [&](const Entry& e) { removed(fn, e); }, visited);
      if (b != nullptr)
        for_each_entry(
            b, [&](const Entry& e) { added(fn, e); }, visited);
      return;
    }
    visited += 2;
    if (a->kind == Kind::collision) {
      diff_collisions(a, b, fn);
      return;
    }
    const std::uint32_t positions = a->datamap | a->nodemap | b->datamap | b->nodemap;
    for (std::uint32_t rest = positions; rest != 0; rest &= rest - 1) {
      const std::uint32_t bit = rest & (0u - rest);
      const Entry* ea = (a->datamap & bit) != 0 ? &entries(a)[index_in(a->datamap, bit)] : nullptr;
      const Entry* eb = (b->datamap & bit) != 0 ? &entries(b)[index_in(b->datamap, bit)] : nullptr;
      const N* na = (a->nodemap & bit) != 0 ? children(a)[index_in(a->nodemap, bit)] : nullptr;
      const N* nb = (b->nodemap & bit) != 0 ? children(b)[index_in(b->nodemap, bit)] : nullptr;
      if (ea != nullptr && eb != nullptr) {
        if (ea->first == eb->first) {
          if (!(ea->second == eb->second)) fn(ea->first, &ea->second, &eb->second);
        } else {
          removed(fn, *ea);
          added(fn, *eb);
        }
      } else if (ea != nullptr) {
        entry_against_subtree(*ea, nb, true, fn, visited);
      } else if (eb != nullptr) {
        entry_against_subtree(*eb, na, false, fn, visited);
      } else {
        diff(na, nb, fn, visited);
      }
    }
  }

  template <class Fn>
  static void removed(Fn& fn, const Entry& e) {
    fn(e.first, &e.second, static_cast<const V*>(nullptr));
  }
  template <class Fn>
  static void added(Fn& fn, const Entry& e) {
    fn(e.first, static_cast<const V*>(nullptr), &e.second);
  }

  // One side holds entry e at a position where the other holds subtree (or nothing).
  // e_before: e is in the earlier trie.
  template <class Fn>
  static void entry_against_subtree(const Entry& e, const N* subtree, bool e_before, Fn& fn,
                                    std::size_t& visited) {
    bool found = false;
    for_each_entry(
        subtree,
        [&](const Entry& x) {
          if (!found && x.first == e.first) {
            found = true;
            if (x.second == e.second) return;
            if (e_before) {
              fn(e.first, &e.second, &x.second);
            } else {
              fn(e.first, &x.second, &e.second);
            }
          } else if (e_before) {
            added(fn, x);
          } else {
            removed(fn, x);
          }
        },
        visited);
    if (found) return;
    if (e_before) {
      removed(fn, e);
    } else {
      added(fn, e);
    }
  }

  template <class Fn>
  static void diff_collisions(const N* a, const N* b, Fn& fn) {
    const Entry* ea = entries(a);
    for (std::uint32_t i = 0; i < a->data_count; ++i) {
      const V* after = find_in_collision(b, ea[i].first);
      if (after == nullptr) {
        removed(fn, ea[i]);
      } else if (!(ea[i].second == *after)) {
        fn(ea[i].first, &ea[i].second, after);
      }
    }
    const Entry* eb = entries(b);
    for (std::uint32_t i = 0; i < b->data_count; ++i) {
      if (find_in_collision(a, eb[i].first) == nullptr) added(fn, eb[i]);
    }
  }
};

// Walks a trie's entries depth first: a node's entries, then its children.
template <class K, class V>
class Cursor {
 public:
  using N = Node<K, V>;
  using Entry = std::pair<const K, V>;

  Cursor() = default;
  explicit Cursor(const N* root) {
    if (root == nullptr) return;
    stack_[0] = Frame{root, 0, 0};
    depth_ = 0;
    advance();
  }

  const Entry* entry() const noexcept { return entry_; }

  void advance() {
    while (depth_ >= 0) {
      Frame& f = stack_[static_cast<std::size_t>(depth_)];
      if (f.next_entry < f.node->data_count) {
        entry_ = &Trie<K, V>::entries(f.node)[f.next_entry++];
        return;
      }
      if (f.next_child < f.node->child_count) {
        const N* child = Trie<K, V>::children(f.node)[f.next_child++];
        stack_[static_cast<std::size_t>(++depth_)] = Frame{child, 0, 0};
        continue;
      }
      --depth_;
    }
    entry_ = nullptr;
  }

 private:
  struct Frame {
    const N* node = nullptr;
    std::uint32_t next_entry = 0;
    std::uint32_t next_child = 0;
  };
  std::array<Frame, kMaxDepth> stack_{};
  int depth_ = -1;
  const Entry* entry_ = nullptr;
};

}  // namespace mirari::detail::champ
