// Table<K, V>: every version behaves as the std::map it models and never changes once made;
// versions share all but the path of a change; the trie's form depends only on its content.
#include <catch2/catch.hpp>

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <iterator>
#include <map>
#include <mutex>
#include <optional>
#include <random>
#include <stdexcept>
#include <string>
#include <thread>
#include <unordered_set>
#include <utility>
#include <vector>

#include "mirari/graph.hpp"
#include "mirari/table.hpp"

namespace mirari {
namespace {

// A key whose hashes collide on purpose: ids in one bucket have equal std::hash.
struct Clash {
  int id = 0;
  int bucket = 0;
  friend bool operator==(const Clash& a, const Clash& b) { return a.id == b.id; }
  friend bool operator<(const Clash& a, const Clash& b) { return a.id < b.id; }
};

// A key with no text form: its JSON form is an object.
struct Endpoint {
  std::string host;
  int port = 0;
  friend bool operator==(const Endpoint&, const Endpoint&) = default;
};
void to_json(nlohmann::json& j, const Endpoint& e) {
  j = {{"host", e.host}, {"port", e.port}};
}
void from_json(const nlohmann::json& j, Endpoint& e) {
  e.host = j.at("host").get<std::string>();
  e.port = j.at("port").get<int>();
}

}  // namespace
}  // namespace mirari

template <>
struct std::hash<mirari::Clash> {
  std::size_t operator()(const mirari::Clash& c) const noexcept {
    return static_cast<std::size_t>(c.bucket);
  }
};
template <>
struct std::hash<mirari::Endpoint> {
  std::size_t operator()(const mirari::Endpoint& e) const noexcept {
    return std::hash<std::string>{}(e.host) ^ static_cast<std::size_t>(e.port);
  }
};
MIRARI_TYPE_NAME(mirari::Endpoint, "test.endpoint")

namespace mirari {
namespace {

using Trie = detail::champ::Trie<int, int>;

template <class K, class V>
using Changes = std::map<K, std::pair<std::optional<V>, std::optional<V>>>;

template <class K, class V>
std::map<K, V> contents(const Table<K, V>& table) {
  std::map<K, V> out;
  for (const auto& [key, value] : table) {
    const bool first_time = out.emplace(key, value).second;
    CHECK(first_time);
  }
  return out;
}

template <class K, class V>
Changes<K, V> model_diff(const std::map<K, V>& before, const std::map<K, V>& after) {
  Changes<K, V> out;
  for (const auto& [key, value] : before) {
    auto it = after.find(key);
    if (it == after.end()) {
      out[key] = {value, std::nullopt};
    } else if (!(it->second == value)) {
      out[key] = {value, it->second};
    }
  }
  for (const auto& [key, value] : after) {
    if (before.count(key) == 0) out[key] = {std::nullopt, value};
  }
  return out;
}

template <class K, class V>
Changes<K, V> table_diff(const Table<K, V>& before, const Table<K, V>& after) {
  Changes<K, V> out;
  std::size_t calls = 0;
  diff(before, after, [&](const K& key, const V* was, const V* now) {
    ++calls;
    out[key] = {was ? std::optional<V>(*was) : std::nullopt,
                now ? std::optional<V>(*now) : std::nullopt};
  });
  CHECK(calls == out.size());  // each key once
  return out;
}

// Random sets and erases, each on the latest version or, one time in eight, on an older one;
// every version is checked against its model when made and again at the end.
template <class K>
void check_against_model(std::uint32_t seed, int operations, int key_range,
                         const std::function<K(int)>& make_key) {
  std::mt19937 rng(seed);
  std::vector<Table<K, int>> tables{Table<K, int>()};
  std::vector<std::map<K, int>> models{{}};
  for (int op = 0; op < operations; ++op) {
    const std::size_t from = rng() % 8 == 0 ? rng() % tables.size() : tables.size() - 1;
    Table<K, int> table = tables[from];
    std::map<K, int> model = models[from];
    const K key = make_key(static_cast<int>(rng() % static_cast<unsigned>(key_range)));
    if (rng() % 3 == 0) {
      table = table.erase(key);
      model.erase(key);
    } else {
      const int value = static_cast<int>(rng() % 4);
      table = table.set(key, value);
      model[key] = value;
    }
    REQUIRE(table.size() == model.size());
    REQUIRE(table_diff(tables[from], table) == model_diff(models[from], model));
    tables.push_back(std::move(table));
    models.push_back(std::move(model));
  }

  std::mt19937 pick(seed + 1);
  for (std::size_t v = 0; v < tables.size(); ++v) {
    const Table<K, int>& table = tables[v];
    const std::map<K, int>& model = models[v];
    REQUIRE(table.size() == model.size());
    REQUIRE(contents(table) == model);
    for (const auto& [key, value] : model) REQUIRE(table.find(key) != nullptr);
    for (const auto& [key, value] : model) REQUIRE(*table.find(key) == value);
    for (int i = 0; i < 8; ++i) {
      const K key = make_key(static_cast<int>(pick() % static_cast<unsigned>(key_range)));
      REQUIRE(table.contains(key) == (model.count(key) == 1));
    }
    // Built afresh in another order, the same content makes an equal trie.
    const Table<K, int> rebuilt(model.rbegin(), model.rend());
    REQUIRE(rebuilt == table);
    REQUIRE(table_diff(rebuilt, table).empty());
    const std::size_t other = pick() % tables.size();
    REQUIRE((table == tables[other]) == (model == models[other]));
    REQUIRE(table_diff(tables[other], table) == model_diff(models[other], model));
  }
}

TEST_CASE("every version matches its std::map model, and old versions never change") {
  check_against_model<int>(7, 8000, 300, [](int i) { return i; });
}

TEST_CASE("a table of sparse keys matches its model through thousands of changes") {
  check_against_model<int>(11, 1500, 100'000, [](int i) { return i; });
}

TEST_CASE("keys whose hashes collide in groups of eight behave as distinct keys") {
  check_against_model<Clash>(13, 4000, 300, [](int i) { return Clash{i, i / 8}; });
}

TEST_CASE("keys whose hashes all collide behave as distinct keys") {
  check_against_model<Clash>(17, 2000, 60, [](int i) { return Clash{i, 0}; });
}

TEST_CASE("colliding keys meet in one collision node at the deepest level") {
  Table<Clash, int> table;
  for (int i = 0; i < 5; ++i) table = table.set(Clash{i, 42}, i);

  std::size_t nodes = 0;
  std::uint32_t collision_entries = 0;
  detail::champ::Trie<Clash, int>::for_each_node(
      detail::TableAccess::root(table), [&](const auto* node) {
        ++nodes;
        if (node->kind == detail::champ::Kind::collision) {
          collision_entries = node->data_count;
        }
        return true;
      });
  CHECK(collision_entries == 5);
  CHECK(nodes == detail::champ::kMaxDepth);  // 13 single-child levels above the collision node

  // Down to one entry, the chain folds back into the root.
  for (int i = 1; i < 5; ++i) table = table.erase(Clash{i, 42});
  nodes = 0;
  detail::champ::Trie<Clash, int>::for_each_node(detail::TableAccess::root(table),
                                                 [&](const auto*) { return ++nodes, true; });
  CHECK(nodes == 1);
  CHECK(table.at(Clash{0, 42}) == 0);
}

TEST_CASE("a table's form depends on its content only, not on its history") {
  std::vector<int> keys(2000);
  for (int i = 0; i < 2000; ++i) keys[static_cast<std::size_t>(i)] = i * 7919;
  Table<int, int> forward;
  for (int k : keys) forward = forward.set(k, k);
  Table<int, int> backward;
  for (auto it = keys.rbegin(); it != keys.rend(); ++it) backward = backward.set(*it, *it);
  // Through a detour: extra keys added then removed.
  Table<int, int> detour = backward;
  for (int i = 0; i < 500; ++i) detour = detour.set(-i - 1, i);
  for (int i = 0; i < 500; ++i) detour = detour.erase(-i - 1);

  std::vector<std::pair<int, int>> order_f(forward.begin(), forward.end());
  std::vector<std::pair<int, int>> order_b(backward.begin(), backward.end());
  std::vector<std::pair<int, int>> order_d(detour.begin(), detour.end());
  CHECK(order_f == order_b);
  CHECK(order_f == order_d);
  CHECK(forward == backward);
  CHECK(forward == detour);
  CHECK_FALSE(forward.same_version(backward));
}

TEST_CASE("set and erase return the same version when nothing changes") {
  const Table<int, std::string> table{{1, "a"}, {2, "b"}};
  CHECK(table.set(1, "a").same_version(table));
  CHECK(table.erase(3).same_version(table));
  CHECK(Table<int, std::string>().erase(3).empty());
  CHECK_FALSE(table.set(1, "z").same_version(table));
  CHECK(table.at(1) == "a");
}

TEST_CASE(
    "a table is made from a range, an initializer list or a std::map, the last duplicate winning") {
  const std::map<std::string, int> source{{"eth0", 1}, {"eth1", 2}, {"lo", 0}};
  const Table<std::string, int> from_map(source.begin(), source.end());
  CHECK(contents(from_map) == source);

  const Table<std::string, int> listed{{"lo", 0}, {"eth0", 9}, {"eth0", 1}, {"eth1", 2}};
  CHECK(listed == from_map);
  CHECK(listed.size() == 3);

  const Table<int, int> empty;
  CHECK(empty.empty());
  CHECK(empty.begin() == empty.end());
  CHECK(detail::TableAccess::root(empty) == nullptr);
}

TEST_CASE("at() names the table type when the key is absent") {
  const Table<int, std::string> table{{1, "a"}};
  CHECK(table.at(1) == "a");
  CHECK_THROWS_AS(table.at(2), std::out_of_range);
  CHECK_THROWS_WITH(table.at(2), "no such key in table<int32,string>");
}

TEST_CASE("structured bindings and standard algorithms read a table") {
  const Table<int, std::string> table{{1, "one"}, {2, "two"}, {3, "three"}};
  std::size_t letters = 0;
  int keys = 0;
  for (const auto& [key, name] : table) {
    letters += name.size();
    keys += key;
  }
  CHECK(letters == 11);
  CHECK(keys == 6);
  CHECK(std::distance(table.begin(), table.end()) == 3);
  const std::map<int, std::string> copy(table.begin(), table.end());
  CHECK(copy.at(3) == "three");
  auto it = table.begin();
  CHECK(it->second == table.at(it->first));
}

// --- sharing ---

Table<int, int> hundred_thousand() {
  Table<int, int>::Builder builder;
  for (int i = 0; i < 100'000; ++i) builder.set(i, i);
  return builder.build();
}

std::unordered_set<const void*> nodes_of(const Table<int, int>& table) {
  std::unordered_set<const void*> out;
  Trie::for_each_node(detail::TableAccess::root(table), [&](const auto* node) {
    out.insert(node);
    return true;
  });
  return out;
}

TEST_CASE("changing one key of 100,000 makes only the nodes on its path") {
  const Table<int, int> big = hundred_thousand();
  const std::unordered_set<const void*> before = nodes_of(big);

  const std::uint64_t allocated = detail::champ::allocated_nodes;
  const Table<int, int> changed = big.set(4242, -1);
  const std::uint64_t made = detail::champ::allocated_nodes - allocated;

  std::size_t fresh = 0;
  Trie::for_each_node(detail::TableAccess::root(changed), [&](const auto* node) {
    if (before.count(node) != 0) return false;  // shared: so is everything below it
    ++fresh;
    return true;
  });
  // 100,000 keys fill about log32(100,000) = 3.3 levels.
  CHECK(made == fresh);
  CHECK(fresh >= 3);
  CHECK(fresh <= 5);
  CHECK(before.size() > 3000);
  CHECK(big.at(4242) == 4242);
  CHECK(changed.at(4242) == -1);
}

TEST_CASE("diffing a one-key change of 100,000 reads only the nodes on its path") {
  const Table<int, int> big = hundred_thousand();
  const Table<int, int> changed = big.set(777, -1).erase(778);

  std::size_t visited = 0;
  std::vector<int> keys;
  auto collect = [&](const int& key, const int*, const int*) { keys.push_back(key); };
  Trie::diff(detail::TableAccess::root(big), detail::TableAccess::root(changed), collect, visited);

  std::sort(keys.begin(), keys.end());
  CHECK(keys == std::vector<int>{777, 778});
  CHECK(visited <= 4 * 5);  // two paths of at most 5 levels, two nodes compared per level
}

TEST_CASE("equality of two versions of 100,000 compares only what they do not share") {
  const Table<int, int> big = hundred_thousand();
  const Table<int, int> changed = big.set(9, -1);
  CHECK(big == big);
  CHECK_FALSE(big == changed);
  CHECK(changed.set(9, 9) == big);
  CHECK_FALSE(changed.set(9, 9).same_version(big));
}

// --- builder ---

TEST_CASE("a builder edits its own nodes in place and copies a shared node once") {
  const Table<int, int> big = hundred_thousand();
  Table<int, int>::Builder builder(big);

  std::uint64_t allocated = detail::champ::allocated_nodes;
  builder.set(5, -5);
  const std::uint64_t first = detail::champ::allocated_nodes - allocated;
  allocated = detail::champ::allocated_nodes;
  builder.set(5, -6);
  builder.set(5, -7);
  const std::uint64_t again = detail::champ::allocated_nodes - allocated;

  CHECK(first >= 3);
  CHECK(first <= 5);
  CHECK(again == 0);
  CHECK(*builder.find(5) == -7);
  CHECK(big.at(5) == 5);
}

TEST_CASE("a builder makes a large table with fewer allocations than keys") {
  std::uint64_t allocated = detail::champ::allocated_nodes;
  Table<int, int>::Builder builder;
  for (int i = 0; i < 10'000; ++i) builder.set(i, i);
  const Table<int, int> built = builder.build();
  const std::uint64_t by_builder = detail::champ::allocated_nodes - allocated;

  allocated = detail::champ::allocated_nodes;
  Table<int, int> one_by_one;
  for (int i = 0; i < 10'000; ++i) one_by_one = one_by_one.set(i, i);
  const std::uint64_t by_versions = detail::champ::allocated_nodes - allocated;

  CHECK(built == one_by_one);
  CHECK(by_builder < 10'000);
  CHECK(by_builder * 3 < by_versions);
}

// Random sets and erases through one builder, a version built every few changes; each built
// version is checked against its model at the end, and is the same trie as one made afresh.
template <class K>
void check_builder_against_model(std::uint32_t seed, int rounds, int key_range,
                                 const std::function<K(int)>& make_key) {
  std::mt19937 rng(seed);
  typename Table<K, int>::Builder builder;
  std::map<K, int> model;
  std::vector<std::pair<Table<K, int>, std::map<K, int>>> built;
  for (int round = 0; round < rounds; ++round) {
    const int changes = static_cast<int>(rng() % 60);
    for (int i = 0; i < changes; ++i) {
      const K key = make_key(static_cast<int>(rng() % static_cast<unsigned>(key_range)));
      if (rng() % 3 == 0) {
        REQUIRE(builder.erase(key) == (model.erase(key) == 1));
      } else {
        builder.set(key, round);
        model[key] = round;
      }
      REQUIRE(builder.size() == model.size());
    }
    built.emplace_back(builder.build(), model);
  }
  for (const auto& [table, expected] : built) {
    REQUIRE(contents(table) == expected);
    REQUIRE(table == Table<K, int>(expected.begin(), expected.end()));
  }
}

TEST_CASE("a builder's versions match their models and never change afterwards") {
  check_builder_against_model<int>(3, 300, 400, [](int i) { return i; });
}

TEST_CASE("a builder's versions with string keys match their models") {
  check_builder_against_model<std::string>(5, 300, 400,
                                           [](int i) { return "instance-" + std::to_string(i); });
}

TEST_CASE("a builder's versions with colliding keys match their models") {
  check_builder_against_model<Clash>(9, 300, 200, [](int i) { return Clash{i, i / 6}; });
}

TEST_CASE("a builder started from a version leaves that version as it was") {
  const Table<std::string, int> base{{"a", 1}, {"b", 2}, {"c", 3}};
  Table<std::string, int>::Builder builder(base);
  builder.set("a", 10);
  builder.erase("b");
  builder.set("d", 4);
  Table<std::string, int>::Builder copy = builder;
  copy.set("e", 5);

  CHECK(contents(base) == std::map<std::string, int>{{"a", 1}, {"b", 2}, {"c", 3}});
  CHECK(contents(builder.build()) == std::map<std::string, int>{{"a", 10}, {"c", 3}, {"d", 4}});
  CHECK(copy.size() == 4);
  CHECK(builder.size() == 3);
}

TEST_CASE("a builder emptied and refilled hands out correct versions") {
  Table<int, int>::Builder builder;
  builder.set(1, 1);
  const Table<int, int> one = builder.build();
  CHECK(builder.erase(1));
  CHECK_FALSE(builder.erase(1));
  CHECK(builder.build().empty());
  builder.set(2, 2);
  CHECK(contents(builder.build()) == std::map<int, int>{{2, 2}});
  CHECK(contents(one) == std::map<int, int>{{1, 1}});
}

// A value whose copies fail on demand.
struct Fragile {
  int v = 0;
  static inline int copies_left = -1;  // negative: never fail
  explicit Fragile(int x) : v(x) {}
  Fragile(const Fragile& other) : v(other.v) {
    if (copies_left == 0) throw std::runtime_error("copy failed");
    if (copies_left > 0) --copies_left;
  }
  Fragile& operator=(const Fragile&) = default;
  friend bool operator==(const Fragile&, const Fragile&) = default;
};

TEST_CASE("a copy that throws during set leaves the table and the builder as they were") {
  Table<std::string, Fragile>::Builder builder;
  for (int i = 0; i < 200; ++i) builder.set("k" + std::to_string(i), Fragile(i));
  const Table<std::string, Fragile> table = builder.build();
  const std::map<std::string, Fragile> model(table.begin(), table.end());
  std::size_t failures = 0;

  for (int budget = 0; budget < 40; ++budget) {
    const auto attempt = [&](const auto& change) {
      const std::map<std::string, Fragile> before = contents(builder.build());
      Fragile::copies_left = budget;
      try {
        change();
      } catch (const std::runtime_error&) {
        ++failures;
        Fragile::copies_left = -1;
        REQUIRE(contents(builder.build()) == before);
      }
      Fragile::copies_left = -1;
      REQUIRE(contents(table) == model);
    };
    attempt([&] { (void)table.set("k7", Fragile(-1)); });
    attempt([&] { (void)table.set("new", Fragile(-1)); });
    attempt([&] { (void)table.erase("k9"); });
    attempt([&] { builder.set("k8", Fragile(-1)); });
    attempt([&] { builder.set("other" + std::to_string(budget), Fragile(-1)); });
    attempt([&] { builder.erase("k" + std::to_string(100 + budget)); });
  }
  CHECK(failures > 40);
}

// --- names and JSON ---

TEST_CASE("table types have stable names") {
  CHECK(type_name<Table<int, std::string>>() == "table<int32,string>");
  CHECK(type_name<Table<std::string, Table<int, double>>>() ==
        "table<string,table<int32,float64>>");
  CHECK(type_name<TableChange<int, std::string>>() == "table_change<int32,string>");
  CHECK(type_name<std::vector<TableChange<long, bool>>>() == "list<table_change<int64,bool>>");
  CHECK(type_name<Table<Endpoint, int>>() == "table<test.endpoint,int32>");
}

TEST_CASE("a table with string keys is a JSON object and reads back") {
  const Table<std::string, int> table{{"eth0", 1}, {"eth1", 2}};
  const nlohmann::json j = table;
  CHECK(j == nlohmann::json::parse(R"({"eth0": 1, "eth1": 2})"));
  CHECK(j.get<Table<std::string, int>>() == table);
}

TEST_CASE("a table with integer keys is a JSON object keyed by the numbers' text") {
  const Table<int, std::string> table{{-3, "a"}, {12, "b"}};
  const nlohmann::json j = table;
  CHECK(j == nlohmann::json::parse(R"({"-3": "a", "12": "b"})"));
  CHECK(j.get<Table<int, std::string>>() == table);
  CHECK(nlohmann::json(Table<std::uint64_t, int>{{18446744073709551615ull, 1}}).dump() ==
        R"({"18446744073709551615":1})");
}

TEST_CASE("other keys make an array of [key, value] pairs") {
  const Table<Endpoint, int> table{{Endpoint{"192.0.2.1", 80}, 1}, {Endpoint{"192.0.2.2", 22}, 2}};
  const nlohmann::json j = table;
  REQUIRE(j.is_array());
  CHECK(j.size() == 2);
  CHECK(j.get<Table<Endpoint, int>>() == table);
  CHECK(nlohmann::json(Table<Endpoint, int>()) == nlohmann::json::array());
}

TEST_CASE("JSON that is not a table is refused with the reason") {
  using Ints = Table<int, int>;
  const auto read = [](const char* text) { return nlohmann::json::parse(text).get<Ints>(); };
  CHECK_THROWS_WITH(read(R"({"abc": 1})"),
                    "table<int32,int32>: key \"abc\" is not a number (int32)");
  CHECK_THROWS_WITH(read(R"({"12x": 1})"),
                    "table<int32,int32>: key \"12x\" is not a number (int32)");
  CHECK_THROWS_WITH(read(R"({"": 1})"), "table<int32,int32>: key \"\" is not a number (int32)");
  CHECK_THROWS_WITH(read(R"({"4294967296": 1})"),
                    "table<int32,int32>: key \"4294967296\" is out of range of int32");
  CHECK_THROWS_WITH(read("[1, 2]"),
                    "table<int32,int32> is a JSON object keyed by int32, not array");
  CHECK_THROWS_WITH(read(R"({"1": "one"})"), "\"one\" is not a value of int32");

  using Pairs = Table<Endpoint, int>;
  const auto read_pairs = [](const char* text) { return nlohmann::json::parse(text).get<Pairs>(); };
  CHECK_THROWS_WITH(read_pairs(R"({"a": 1})"),
                    "table<test.endpoint,int32> is a JSON array of [key, value] pairs, not object");
  CHECK_THROWS_WITH(read_pairs(R"([[{"host": "h", "port": 1}]])"),
                    "table<test.endpoint,int32>: [{\"host\":\"h\",\"port\":1}] is not a [key, "
                    "value] pair");
  CHECK_THROWS_WITH(read_pairs(R"([[{"host": "h", "port": 1}, 1], [{"host": "h", "port": 1}, 2]])"),
                    "table<test.endpoint,int32>: key {\"host\":\"h\",\"port\":1} appears twice");
}

TEST_CASE("a bad table written to a port is refused and nothing is queued") {
  Graph graph;
  auto links = graph.source<Table<int, std::string>>({{1, "lo"}});
  graph.publish("net.names", links.signal());
  CHECK(graph.port_json("net.names") == R"({"1":"lo"})");

  CHECK_THROWS_WITH(graph.write_port_json("net.names", R"({"1": "lo", "two": "eth0"})"),
                    Catch::Contains("key \"two\" is not a number (int32)") &&
                        Catch::Contains("port 'net.names' (table<int32,string>)"));
  CHECK(graph.idle());

  graph.write_port_json("net.names", R"({"1": "lo", "2": "eth0"})");
  graph.run_until_idle();
  CHECK(links.value() == Table<int, std::string>{{1, "lo"}, {2, "eth0"}});
}

TEST_CASE("a table change is {key, before, after} with null for an absent side") {
  const TableChange<int, std::string> added{3, std::nullopt, "eth0"};
  const nlohmann::json j = added;
  CHECK(j == nlohmann::json::parse(R"({"key": 3, "before": null, "after": "eth0"})"));
  CHECK(j.get<TableChange<int, std::string>>() == added);
  const TableChange<int, std::string> changed{3, "eth0", "eth1"};
  CHECK(nlohmann::json(changed).get<TableChange<int, std::string>>() == changed);
  using Change = TableChange<int, std::string>;
  CHECK_THROWS_AS(nlohmann::json::parse(R"({"key": 3, "after": null})").get<Change>(),
                  nlohmann::json::out_of_range);
}

// --- threads ---

// In version n, key n % 64 was last set to n: every value v of key k has v % 64 == k and
// n - 64 < v <= n.
bool consistent(const Table<int, int>& table, int n) {
  std::size_t seen = 0;
  for (const auto& [key, value] : table) {
    ++seen;
    if (value % 64 != key || value > n || value <= n - 64) return false;
    if (table.find(key) != &value) return false;
  }
  return seen == table.size();
}

TEST_CASE("versions read on four threads while another thread derives new ones") {
  std::mutex latest_mutex;
  std::pair<Table<int, int>, int> latest{Table<int, int>(), -1};
  std::atomic<bool> done{false};
  std::atomic<int> failures{0};
  std::atomic<long> reads{0};

  std::vector<std::thread> readers;
  for (int r = 0; r < 4; ++r) {
    readers.emplace_back([&] {
      std::vector<std::pair<Table<int, int>, int>> kept;
      while (!done.load()) {
        std::pair<Table<int, int>, int> version;
        {
          std::lock_guard lock(latest_mutex);
          version = latest;
        }
        if (!consistent(version.first, version.second)) ++failures;
        if (kept.size() < 64) kept.push_back(std::move(version));
        ++reads;
      }
      for (const auto& [table, n] : kept) {
        if (!consistent(table, n)) ++failures;
      }
    });
  }

  Table<int, int> table;
  for (int n = 0; n < 20'000; ++n) {
    if (n % 100 == 99) {
      // A builder over the shared version: it must copy, never edit what readers hold.
      Table<int, int>::Builder builder(table);
      builder.set(n % 64, n);
      table = builder.build();
    } else {
      table = table.set(n % 64, n);
    }
    std::lock_guard lock(latest_mutex);
    latest = {table, n};
  }
  // On a busy machine the writer may finish before a reader ran at all.
  while (reads.load() < 4) std::this_thread::yield();
  done = true;
  for (auto& reader : readers) reader.join();
  CHECK(failures.load() == 0);
  CHECK(reads.load() > 0);
}

}  // namespace
}  // namespace mirari
