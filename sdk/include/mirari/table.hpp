// Keyed collections that port values are made of: mirari::Table<K, V>.
//
// A Table is one version of a map from keys to values. It never changes: set() and erase()
// return a new version that shares all but O(log N) of its memory with the old one, so a
// watcher publishes a new fleet table per change at the cost of the change, not of the fleet,
// and diff() finds what changed between two versions by skipping what they share.
//
// A Table is a value with the cost of a shared_ptr: copying one copies a pointer. Its const
// operations may run on any thread, on any version, at the same time as other threads make
// new versions from it (a version is written on an I/O thread and read on the graph thread).
// As with shared_ptr, one Table object must not be assigned on one thread while another
// reads that same object.
//
// Requirements: std::hash<K> and operator== on K; operator== on V for diff, equality and
// for set() to recognise an unchanged value.
//
//   mirari::Table<int, Link> links;                        // empty: allocates nothing
//   links = links.set(2, Link{"eth0"});                    // a new version
//   if (const Link* l = links.find(2)) use(*l);
//   for (const auto& [index, link] : links) show(index, link);
//   mirari::diff(before, links, [](const int& k, const Link* was, const Link* now) { ... });
#pragma once

#include <charconv>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <iterator>
#include <optional>
#include <stdexcept>
#include <string>
#include <system_error>
#include <type_traits>
#include <utility>

#include "mirari/detail/champ.hpp"
#include "mirari/json_form.hpp"
#include "mirari/json_read.hpp"
#include "mirari/type_layout.hpp"
#include "mirari/type_name.hpp"

namespace mirari {

template <class K, class V>
class Table;

namespace detail {
// Reads a Table's trie: for tests and benchmarks measuring sharing.
struct TableAccess {
  template <class K, class V>
  static const champ::Node<K, V>* root(const Table<K, V>& table) noexcept {
    return table.root_;
  }
};
}  // namespace detail

template <class K, class V>
class Table {
  using Trie = detail::champ::Trie<K, V>;
  using Node = detail::champ::Node<K, V>;

 public:
  using key_type = K;
  using mapped_type = V;
  using value_type = std::pair<const K, V>;
  using size_type = std::size_t;

  // Visits the entries in hash order: deterministic for a given content and build (except
  // among keys whose whole hashes collide), unspecified otherwise. Valid while some Table
  // holds the version it was taken from.
  class const_iterator {
   public:
    using iterator_category = std::forward_iterator_tag;
    using value_type = std::pair<const K, V>;
    using difference_type = std::ptrdiff_t;
    using pointer = const value_type*;
    using reference = const value_type&;

    const_iterator() = default;
    reference operator*() const noexcept { return *cursor_.entry(); }
    pointer operator->() const noexcept { return cursor_.entry(); }
    const_iterator& operator++() {
      cursor_.advance();
      return *this;
    }
    const_iterator operator++(int) {
      const_iterator old = *this;
      cursor_.advance();
      return old;
    }
    friend bool operator==(const const_iterator& a, const const_iterator& b) noexcept {
      return a.cursor_.entry() == b.cursor_.entry();
    }

   private:
    friend class Table;
    explicit const_iterator(const Node* root) : cursor_(root) {}
    detail::champ::Cursor<K, V> cursor_;
  };
  using iterator = const_iterator;

  class Builder;

  // The empty table; allocates nothing.
  Table() noexcept = default;
  // A table of the given entries; when a key repeats, the last one wins.
  Table(std::initializer_list<std::pair<K, V>> items) : Table(items.begin(), items.end()) {}
  template <std::input_iterator It>
  Table(It first, It last) {
    Builder builder;
    for (; first != last; ++first) builder.set(first->first, first->second);
    *this = builder.build();
  }

  Table(const Table& other) noexcept : root_(other.root_), size_(other.size_) {
    Trie::retain(root_);
  }
  Table(Table&& other) noexcept
      : root_(std::exchange(other.root_, nullptr)), size_(std::exchange(other.size_, 0)) {}
  Table& operator=(Table other) noexcept {
    std::swap(root_, other.root_);
    std::swap(size_, other.size_);
    return *this;
  }
  ~Table() { Trie::release(root_); }

  std::size_t size() const noexcept { return size_; }
  bool empty() const noexcept { return size_ == 0; }

  // The value of key, or nullptr when absent. The pointer is valid as iterators are.
  const V* find(const K& key) const { return Trie::find(root_, key, detail::champ::hash_of(key)); }
  bool contains(const K& key) const { return find(key) != nullptr; }
  // The value of key; throws std::out_of_range when absent.
  const V& at(const K& key) const {
    if (const V* v = find(key)) return *v;
    throw std::out_of_range("no such key in " + display_type_name<Table>());
  }

  // A version in which key maps to value: O(log N) time and new memory. This same version
  // when key already maps to an equal value. If copying a key or value throws, the exception
  // propagates and nothing was made.
  [[nodiscard]] Table set(K key, V value) const {
    const std::uint64_t hash = detail::champ::hash_of(key);
    if (root_ == nullptr) return Table(singleton(key, value, hash, false), 1);
    auto outcome = Trie::Outcome::unchanged;
    Node* next = Trie::set(root_, false, false, 0, hash, key, value, outcome);
    if (next == root_) return *this;
    return Table(next, size_ + (outcome == Trie::Outcome::added ? 1 : 0));
  }

  // A version without key: O(log N). This same version when key is absent.
  [[nodiscard]] Table erase(const K& key) const {
    if (root_ == nullptr) return *this;
    if (size_ == 1) return contains(key) ? Table() : *this;
    bool erased = false;
    Node* next = Trie::erase(root_, false, false, 0, detail::champ::hash_of(key), key, erased);
    if (!erased) return *this;
    return Table(next, size_ - 1);
  }

  const_iterator begin() const { return const_iterator(root_); }
  const_iterator end() const noexcept { return const_iterator(); }

  // Whether both are the same version (they share their root): O(1).
  bool same_version(const Table& other) const noexcept { return root_ == other.root_; }

  // Same content. O(1) for the same version; otherwise compares node by node, skipping the
  // subtrees the two share.
  friend bool operator==(const Table& a, const Table& b) {
    return a.size_ == b.size_ && Trie::equal(a.root_, b.root_);
  }

  // Many changes at once (Clojure's transients): the builder edits in place the nodes that no
  // one else holds — those it made itself — and copies a shared node once, the first time it
  // changes something below it. build() hands out a version; the builder may go on, and its
  // later edits copy what that version holds rather than change it. A Builder belongs to one
  // thread at a time; the tables it builds are ordinary versions. Copying a Builder is cheap
  // and the copies are independent. If copying a key or value throws, the exception
  // propagates and the builder holds its previous content (provided V's move assignment does
  // not throw).
  class Builder {
   public:
    Builder() noexcept = default;
    explicit Builder(Table base) noexcept
        : root_(std::exchange(base.root_, nullptr)), size_(std::exchange(base.size_, 0)) {}
    Builder(const Builder& other) noexcept : root_(other.root_), size_(other.size_) {
      Trie::retain(root_);
    }
    Builder(Builder&& other) noexcept
        : root_(std::exchange(other.root_, nullptr)), size_(std::exchange(other.size_, 0)) {}
    Builder& operator=(Builder other) noexcept {
      std::swap(root_, other.root_);
      std::swap(size_, other.size_);
      return *this;
    }
    ~Builder() { Trie::release(root_); }

    void set(K key, V value) {
      const std::uint64_t hash = detail::champ::hash_of(key);
      if (root_ == nullptr) {
        root_ = singleton(key, value, hash, true);
        size_ = 1;
        return;
      }
      const bool owned = root_->unique();
      auto outcome = Trie::Outcome::unchanged;
      Node* next = Trie::set(root_, owned, true, 0, hash, key, value, outcome);
      replace_root(next, owned);
      if (outcome == Trie::Outcome::added) ++size_;
    }

    // Removes key; true when it was present.
    bool erase(const K& key) {
      if (root_ == nullptr) return false;
      const bool owned = root_->unique();
      bool erased = false;
      Node* next = Trie::erase(root_, owned, true, 0, detail::champ::hash_of(key), key, erased);
      replace_root(next, owned);
      if (!erased) return false;
      if (--size_ == 0) Trie::release(std::exchange(root_, nullptr));
      return true;
    }

    const V* find(const K& key) const {
      return Trie::find(root_, key, detail::champ::hash_of(key));
    }
    std::size_t size() const noexcept { return size_; }

    // The current content as a Table: O(1).
    Table build() const noexcept {
      Trie::retain(root_);
      return Table(root_, size_);
    }

   private:
    void replace_root(Node* next, bool owned) noexcept {
      if (next == root_) return;
      if (!owned) Trie::release(root_);
      root_ = next;
    }

    Node* root_ = nullptr;
    std::size_t size_ = 0;
  };

 private:
  friend struct detail::TableAccess;

  // Adopts root's reference.
  Table(Node* root, std::size_t size) noexcept : root_(root), size_(size) {}

  static Node* singleton(K& key, V& value, std::uint64_t hash, bool building) {
    Node* node = Trie::allocate(detail::champ::Kind::bitmap, Trie::room(1, building, false), 0);
    try {
      ::new (static_cast<void*>(Trie::entries(node))) value_type(std::move(key), std::move(value));
    } catch (...) {
      Trie::deallocate(node);
      throw;
    }
    node->data_count = 1;
    node->datamap = detail::champ::bit_at(hash, 0);
    return node;
  }

  Node* root_ = nullptr;
  std::size_t size_ = 0;
};

// Calls fn(const K& key, const V* before_value, const V* after_value) for each key whose
// value differs between the two versions (nullptr: absent), in hash order. Costs
// O(changes * depth) when after was derived from before (or both from a common version):
// subtrees they share are skipped by pointer; O(N) at worst. Any thread; diff only reads, and
// an exception from fn stops it and propagates.
template <class K, class V, class F>
void diff(const Table<K, V>& before, const Table<K, V>& after, F&& fn) {
  std::size_t visited = 0;
  detail::champ::Trie<K, V>::diff(detail::TableAccess::root(before),
                                  detail::TableAccess::root(after), fn, visited);
}

// One change of a table, as change events carry it: before and after are empty when the key
// was absent.
template <class K, class V>
struct TableChange {
  K key;
  std::optional<V> before;
  std::optional<V> after;
  friend bool operator==(const TableChange&, const TableChange&) = default;
};

template <HasTypeName K, HasTypeName V>
struct TypeName<Table<K, V>> {
  static std::string get() { return "table<" + type_name<K>() + "," + type_name<V>() + ">"; }
};
template <HasTypeName K, HasTypeName V>
struct TypeName<TableChange<K, V>> {
  static std::string get() { return "table_change<" + type_name<K>() + "," + type_name<V>() + ">"; }
};

// A port checks a table's key and value layouts, and a change's fields.
template <HasTypeName K, HasTypeName V>
struct LayoutOf<Table<K, V>> {
  static void describe(TypeLayout& l) { detail::add_parts<K, V>(l); }
};
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Winvalid-offsetof"  // see MIRARI_TYPE
template <HasTypeName K, HasTypeName V>
struct LayoutOf<TableChange<K, V>> {
  static void describe(TypeLayout& l) {
    using C = TableChange<K, V>;
    l.form = TypeLayout::Form::fields;
    l.fields.push_back(detail::field_layout<K>("key", offsetof(C, key)));
    l.fields.push_back(detail::field_layout<std::optional<V>>("before", offsetof(C, before)));
    l.fields.push_back(detail::field_layout<std::optional<V>>("after", offsetof(C, after)));
  }
};
#pragma GCC diagnostic pop

// --- JSON forms ---
//
// A table whose keys are strings or integers is a JSON object keyed by the key's text
// ({"2": {...}, "3": {...}}); any other table is an array of [key, value] pairs. Reading
// refuses, with std::invalid_argument naming the table type, a key text that is not a number
// of the key type, a key that appears twice in the pair array, and an entry that is not a
// pair; errors of the keys' and values' own forms propagate as nlohmann::json exceptions.
// A TableChange is {"key": k, "before": v or null, "after": v or null}.

namespace detail {

template <class K>
inline constexpr bool kTextKey = std::same_as<K, std::string> ||
                                 (std::integral<K> && !std::same_as<K, bool>);

template <class K>
std::string key_text(const K& key) {
  if constexpr (std::same_as<K, std::string>) {
    return key;
  } else {
    return std::to_string(key);
  }
}

template <class Table, class K>
K key_from_text(const std::string& text) {
  if constexpr (std::same_as<K, std::string>) {
    return text;
  } else {
    K key{};
    const char* end = text.data() + text.size();
    const auto [stop, error] = std::from_chars(text.data(), end, key);
    if (error == std::errc::result_out_of_range) {
      throw std::invalid_argument(display_type_name<Table>() + ": key \"" + text +
                                  "\" is out of range of " + display_type_name<K>());
    }
    if (text.empty() || error != std::errc() || stop != end) {
      throw std::invalid_argument(display_type_name<Table>() + ": key \"" + text +
                                  "\" is not a number (" + display_type_name<K>() + ")");
    }
    return key;
  }
}

}  // namespace detail

template <class K, class V>
requires HasJsonForm<K> && HasJsonForm<V>
void to_json(nlohmann::json& j, const Table<K, V>& table) {
  if constexpr (detail::kTextKey<K>) {
    j = nlohmann::json::object();
    for (const auto& [key, value] : table) j[detail::key_text(key)] = value;
  } else {
    j = nlohmann::json::array();
    for (const auto& [key, value] : table) {
      j.push_back(nlohmann::json::array({nlohmann::json(key), nlohmann::json(value)}));
    }
  }
}

template <class K, class V>
requires HasJsonForm<K> && HasJsonForm<V>
void from_json(const nlohmann::json& j, Table<K, V>& table) {
  using T = Table<K, V>;
  typename T::Builder builder;
  if constexpr (detail::kTextKey<K>) {
    if (!j.is_object()) {
      throw std::invalid_argument(display_type_name<T>() + " is a JSON object keyed by " +
                                  display_type_name<K>() + ", not " + j.type_name());
    }
    for (const auto& item : j.items()) {
      builder.set(detail::key_from_text<T, K>(item.key()), read_json<V>(item.value()));
    }
  } else {
    if (!j.is_array()) {
      throw std::invalid_argument(display_type_name<T>() +
                                  " is a JSON array of [key, value] pairs, not " + j.type_name());
    }
    for (const nlohmann::json& pair : j) {
      if (!pair.is_array() || pair.size() != 2) {
        throw std::invalid_argument(display_type_name<T>() + ": " + pair.dump() +
                                    " is not a [key, value] pair");
      }
      K key = read_json<K>(pair[0]);
      if (builder.find(key) != nullptr) {
        throw std::invalid_argument(display_type_name<T>() + ": key " + pair[0].dump() +
                                    " appears twice");
      }
      builder.set(std::move(key), read_json<V>(pair[1]));
    }
  }
  table = builder.build();
}

template <class K, class V>
requires HasJsonForm<K> && HasJsonForm<V>
void to_json(nlohmann::json& j, const TableChange<K, V>& change) {
  const auto side = [](const std::optional<V>& v) {
    return v ? nlohmann::json(*v) : nlohmann::json(nullptr);
  };
  j = nlohmann::json{
      {"key", change.key}, {"before", side(change.before)}, {"after", side(change.after)}};
}

template <class K, class V>
requires HasJsonForm<K> && HasJsonForm<V>
void from_json(const nlohmann::json& j, TableChange<K, V>& change) {
  const auto side = [&](const char* name) -> std::optional<V> {
    const nlohmann::json& v = j.at(name);
    if (v.is_null()) return std::nullopt;
    return read_json<V>(v);
  };
  change.key = read_json<K>(j.at("key"));
  change.before = side("before");
  change.after = side("after");
}

// A watch of a table port writes the whole table first, then, for each later version, only
// what changed since the previous one: {"changed": <the changed entries, in the table's own
// form>, "removed": [<keys, as the table's form writes them>]}. Each costs O(changes).
template <class K, class V>
requires HasJsonForm<K> && HasJsonForm<V>
struct WatchForm<Table<K, V>> {
  std::string next(const Table<K, V>& now) {
    nlohmann::json out;
    if (!last) {
      out = now;
    } else {
      typename Table<K, V>::Builder changed;
      nlohmann::json removed = nlohmann::json::array();
      diff(*last, now, [&](const K& key, const V*, const V* value) {
        if (value != nullptr) {
          changed.set(key, *value);
        } else if constexpr (detail::kTextKey<K>) {
          removed.push_back(detail::key_text(key));
        } else {
          removed.push_back(key);
        }
      });
      out = {{"changed", changed.build()}, {"removed", std::move(removed)}};
    }
    last = now;
    return out.dump();
  }
  std::optional<Table<K, V>> last;
};

}  // namespace mirari
