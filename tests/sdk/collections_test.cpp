// Table operators: each tick touches only the keys that changed, and every operator's value
// equals the operation applied afresh to its inputs' committed values, rolled-back ticks
// included.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <map>
#include <random>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "mirari/collections.hpp"
#include "mirari/mirari.hpp"
#include "node_lookup.hpp"

namespace mirari {
namespace {

using Catch::Matchers::Contains;
using Ints = Table<int, int>;

template <class K, class V>
std::map<K, V> contents(const Table<K, V>& table) {
  return std::map<K, V>(table.begin(), table.end());
}

Ints numbered(int n, int (*value)(int)) {
  Ints::Builder builder;
  for (int i = 0; i < n; ++i) builder.set(i, value(i));
  return builder.build();
}

template <class K, class V>
std::vector<TableChange<K, V>> by_key(std::vector<TableChange<K, V>> changes) {
  std::sort(changes.begin(), changes.end(),
            [](const auto& a, const auto& b) { return a.key < b.key; });
  return changes;
}

// --- table_changes ---

TEST_CASE("table_changes carries each committed tick's changes, and nothing when unchanged") {
  Graph graph;
  auto table = graph.source<Ints>({{1, 10}, {2, 20}});
  auto other = graph.source<int>(0);
  std::vector<std::vector<TableChange<int, int>>> seen;
  observe(table_changes(table.signal()), [&](const auto& changes) { seen.push_back(changes); });

  table.set(table.value().set(1, 11).set(3, 30));
  graph.tick();
  table.set(table.value().erase(2));
  graph.tick();
  other.set(1);
  graph.tick();
  table.set(table.value().set(3, 31).erase(1).set(4, 40));
  graph.tick();

  REQUIRE(seen.size() == 3);
  CHECK(by_key(seen[0]) == std::vector<TableChange<int, int>>{{1, 10, 11}, {3, std::nullopt, 30}});
  CHECK(seen[1] == std::vector<TableChange<int, int>>{{2, 20, std::nullopt}});
  CHECK(by_key(seen[2]) == std::vector<TableChange<int, int>>{
                               {1, 11, std::nullopt}, {3, 30, 31}, {4, std::nullopt, 40}});
}

TEST_CASE("table_changes after a rolled-back tick reports changes from the committed value") {
  Graph graph;
  auto table = graph.source<Ints>({{1, 10}});
  auto changes = table_changes(table.signal());
  std::vector<std::vector<TableChange<int, int>>> seen;
  observe(changes, [&](const auto& c) { seen.push_back(c); });
  // Fails every tick in which key 99 is present, after table_changes computed.
  auto checker = map(hold(changes, {}), [&](const auto&) {
    if (table.value().contains(99)) throw std::runtime_error("99 is refused");
    return 0;
  });

  table.set(table.value().set(1, 11).set(99, 0));
  CHECK(graph.tick().rolled_back == 1);
  table.set(table.value().set(2, 20));
  graph.tick();

  REQUIRE(seen.size() == 1);
  CHECK(by_key(seen[0]) == std::vector<TableChange<int, int>>{{2, std::nullopt, 20}});
  CHECK(checker.value() == 0);
}

// --- map_values ---

TEST_CASE("map_values calls its function only for the keys that were added or changed") {
  Graph graph;
  auto table = graph.source<Ints>(numbered(1000, [](int i) { return i; }));
  int calls = 0;
  auto doubled = map_values(table.signal(), [&](const int& v) {
                   ++calls;
                   return 2 * v;
                 }).named("doubled");
  CHECK(calls == 1000);
  calls = 0;

  table.set(table.value().set(5, 50).set(6, 60).set(2000, 1).erase(7).erase(8));
  graph.tick();

  CHECK(calls == 3);
  CHECK(node_named(graph, "doubled").recomputes == 1);
  CHECK(doubled.value().size() == 999);
  CHECK(doubled.value().at(5) == 100);
  CHECK(doubled.value().at(2000) == 2);
  CHECK_FALSE(doubled.value().contains(7));
  CHECK(doubled.value().at(9) == 18);
}

TEST_CASE("map_values passes the key when its function takes it") {
  Graph graph;
  auto table = graph.source<Table<std::string, int>>({{"web", 1}, {"db", 2}});
  auto labels = map_values(table.signal(), [](const std::string& name, int n) {
    return name + "#" + std::to_string(n);
  });
  CHECK(contents(labels.value()) ==
        std::map<std::string, std::string>{{"db", "db#2"}, {"web", "web#1"}});
}

TEST_CASE("map_values does not wake its dependents when no output value changed") {
  Graph graph;
  auto table = graph.source<Ints>({{1, 3}, {2, 4}});
  auto parity = map_values(table.signal(), [](int v) { return v % 2; }).named("parity");
  int downstream = 0;
  auto sink = map(parity, [&](const Ints& t) {
    ++downstream;
    return t.size();
  });
  downstream = 0;

  table.set(table.value().set(1, 5));
  graph.tick();

  CHECK(node_named(graph, "parity").recomputes == 1);
  CHECK(downstream == 0);
  CHECK(sink.value() == 2);
}

// --- filter ---

TEST_CASE("filter keeps the entries its predicate accepts, as they enter and leave") {
  Graph graph;
  auto load = graph.source<Ints>({{1, 10}, {2, 90}, {3, 95}});
  int calls = 0;
  auto busy = filter(load.signal(), [&](const int&, const int& v) {
    ++calls;
    return v >= 80;
  });
  CHECK(contents(busy.value()) == std::map<int, int>{{2, 90}, {3, 95}});
  calls = 0;

  load.set(load.value().set(1, 85).set(2, 20).erase(3).set(4, 99));
  graph.tick();

  CHECK(calls == 3);
  CHECK(contents(busy.value()) == std::map<int, int>{{1, 85}, {4, 99}});
}

// --- group_by ---

struct Instance {
  std::string zone;
  double load = 0;
  friend bool operator==(const Instance&, const Instance&) = default;
};
using Fleet = Table<int, Instance>;

const auto zone_of = [](const int&, const Instance& i) { return i.zone; };
const auto load_of = [](const Instance& i) { return i.load; };

TEST_CASE("group_by counts, sums and averages each group") {
  Graph graph;
  auto fleet = graph.source<Fleet>({{1, {"a", 1}}, {2, {"a", 3}}, {3, {"b", 10}}});
  auto count = group_by(fleet.signal(), zone_of, agg::count());
  auto sum = group_by(fleet.signal(), zone_of, agg::sum(load_of));
  auto mean = group_by(fleet.signal(), zone_of, agg::mean(load_of));

  CHECK(contents(count.value()) == std::map<std::string, std::size_t>{{"a", 2}, {"b", 1}});
  CHECK(contents(sum.value()) == std::map<std::string, double>{{"a", 4}, {"b", 10}});
  CHECK(contents(mean.value()) == std::map<std::string, double>{{"a", 2}, {"b", 10}});

  fleet.set(fleet.value().set(4, {"b", 20}).set(1, {"a", 5}));
  graph.tick();

  CHECK(contents(count.value()) == std::map<std::string, std::size_t>{{"a", 2}, {"b", 2}});
  CHECK(contents(sum.value()) == std::map<std::string, double>{{"a", 8}, {"b", 30}});
  CHECK(contents(mean.value()) == std::map<std::string, double>{{"a", 4}, {"b", 15}});
}

TEST_CASE("a key that changes group leaves the old one, and an emptied group disappears") {
  Graph graph;
  auto fleet = graph.source<Fleet>({{1, {"a", 1}}, {2, {"b", 2}}, {3, {"b", 4}}});
  auto mean = group_by(fleet.signal(), zone_of, agg::mean(load_of));

  fleet.set(fleet.value().set(1, {"b", 6}));
  graph.tick();
  CHECK(contents(mean.value()) == std::map<std::string, double>{{"b", 4}});

  fleet.set(fleet.value().set(2, {"c", 2}));
  graph.tick();
  CHECK(contents(mean.value()) == std::map<std::string, double>{{"b", 5}, {"c", 2}});
}

TEST_CASE("min and max survive the removal of the extreme") {
  Graph graph;
  auto fleet = graph.source<Fleet>({{1, {"a", 5}}, {2, {"a", 1}}, {3, {"a", 9}}, {4, {"a", 9}}});
  auto low = group_by(fleet.signal(), zone_of, agg::min(load_of));
  auto high = group_by(fleet.signal(), zone_of, agg::max(load_of));
  CHECK(low.value().at("a") == 1);
  CHECK(high.value().at("a") == 9);

  fleet.set(fleet.value().erase(3));  // one of two 9s
  graph.tick();
  CHECK(high.value().at("a") == 9);

  fleet.set(fleet.value().erase(4).erase(2));
  graph.tick();
  CHECK(low.value().at("a") == 5);
  CHECK(high.value().at("a") == 5);

  fleet.set(fleet.value().set(1, {"a", 7}));
  graph.tick();
  CHECK(low.value().at("a") == 7);
}

TEST_CASE("group_by calls its functions only for the keys that changed") {
  Graph graph;
  Fleet::Builder start;
  for (int i = 0; i < 10'000; ++i) start.set(i, {i % 2 == 0 ? "even" : "odd", double(i % 100)});
  auto fleet = graph.source<Fleet>(start.build());
  int groups = 0;
  int measures = 0;
  auto mean = group_by(
      fleet.signal(),
      [&](const Instance& i) {
        ++groups;
        return i.zone;
      },
      agg::mean([&](const Instance& i) {
        ++measures;
        return i.load;
      }));
  CHECK(mean.value().at("even") == Approx(49));
  groups = measures = 0;

  fleet.set(fleet.value().set(0, {"even", 10'000}).erase(1));
  graph.tick();

  CHECK(groups == 1);
  CHECK(measures == 1);
  CHECK(mean.value().at("even") == (49.0 * 5000 + 10'000) / 5000);
  CHECK(mean.value().at("odd") == Approx((50.0 * 5000 - 1) / 4999));
}

TEST_CASE("a measure that is not finite fails the tick and changes nothing") {
  Graph graph;
  auto fleet = graph.source<Fleet>({{1, {"a", 1}}});
  auto sum = group_by(fleet.signal(), zone_of, agg::sum(load_of)).named("sum");

  fleet.set(fleet.value().set(2, {"a", std::nan("")}));
  const TickResult failed = graph.tick();

  REQUIRE(failed.errors.size() == 1);
  CHECK(failed.errors[0].node() == "sum");
  CHECK_THAT(failed.errors[0].message(),
             Contains("group_by: an aggregate's measure must be finite, got nan"));
  CHECK(fleet.value().size() == 1);
  CHECK(contents(sum.value()) == std::map<std::string, double>{{"a", 1}});

  fleet.set(fleet.value().set(2, {"a", 2}));
  graph.tick();
  CHECK(contents(sum.value()) == std::map<std::string, double>{{"a", 3}});
}

// --- join ---

using Zones = Table<int, std::string>;

TEST_CASE("join follows changes, arrivals and departures on either side") {
  Graph graph;
  auto load = graph.source<Ints>({{1, 10}, {2, 20}, {3, 30}});
  auto zone = graph.source<Zones>({{2, "a"}, {3, "b"}, {4, "c"}});
  int calls = 0;
  auto placed =
      join(load.signal(), zone.signal(), [&](const int& key, const int& l, const std::string& z) {
        ++calls;
        return z + ":" + std::to_string(key) + "=" + std::to_string(l);
      });
  CHECK(contents(placed.value()) == std::map<int, std::string>{{2, "a:2=20"}, {3, "b:3=30"}});
  calls = 0;

  load.set(load.value().set(2, 21));  // left changes
  graph.tick();
  zone.set(zone.value().set(1, "d"));  // right gains a key the left has
  graph.tick();
  load.set(load.value().erase(3));  // left loses a key
  graph.tick();
  zone.set(zone.value().erase(2).set(4, "e"));  // right loses one, changes one without a left
  graph.tick();

  CHECK(calls == 2);
  CHECK(contents(placed.value()) == std::map<int, std::string>{{1, "d:1=10"}});
}

TEST_CASE("join calls its function once for a key changed on both sides in one tick") {
  Graph graph;
  auto load = graph.source<Ints>({{1, 10}});
  auto zone = graph.source<Zones>({{1, "a"}});
  int calls = 0;
  auto placed = join(load.signal(), zone.signal(), [&](const int&, int l, const std::string& z) {
    ++calls;
    return z + std::to_string(l);
  });
  calls = 0;

  load.set(load.value().set(1, 11));
  zone.set(zone.value().set(1, "b"));
  graph.tick();

  CHECK(calls == 1);
  CHECK(placed.value().at(1) == "b11");
}

// --- rollback ---

TEST_CASE("after a rollback, an operator whose value had not changed goes on correctly") {
  Graph graph;
  auto load = graph.source<Ints>({{1, 90}, {2, 10}});
  auto busy = filter(load.signal(), [](const int&, const int& v) { return v >= 80; });
  auto refuse = map(load.signal(), [](const Ints& t) {
    if (t.contains(99)) throw std::runtime_error("99 is refused");
    return 0;
  });
  auto both = lift(busy, refuse, [](const Ints& b, int) { return b.size(); });

  // Key 2 changes below the threshold: busy's value stays, then the tick fails.
  load.set(load.value().set(2, 20).set(99, 0));
  CHECK(graph.tick().rolled_back == 1);
  load.set(load.value().set(2, 85));
  graph.tick();

  CHECK(contents(busy.value()) == std::map<int, int>{{1, 90}, {2, 85}});
  CHECK(both.value() == 2);
}

TEST_CASE("after a rollback, min and max recount their groups and go on correctly") {
  Graph graph;
  auto fleet = graph.source<Fleet>({{1, {"a", 5}}, {2, {"a", 1}}});
  auto low = group_by(fleet.signal(), zone_of, agg::min(load_of));
  auto refuse = map(low, [](const Table<std::string, double>& t) {
    if (t.contains("poison")) throw std::runtime_error("refused");
    return t.size();
  });

  fleet.set(fleet.value().erase(2).set(3, {"poison", 0}));
  CHECK(graph.tick().rolled_back == 1);
  CHECK(contents(low.value()) == std::map<std::string, double>{{"a", 1}});

  fleet.set(fleet.value().erase(1));
  graph.tick();
  CHECK(contents(low.value()) == std::map<std::string, double>{{"a", 1}});
  fleet.set(fleet.value().erase(2));
  graph.tick();
  CHECK(low.value().empty());
  CHECK(refuse.value() == 0);
}

TEST_CASE("a change refused in a rolled-back tick and made again in the next one is applied") {
  Graph graph;
  auto load = graph.source<Ints>({{1, 10}, {2, 20}});
  auto zone = graph.source<Ints>({{1, 0}, {2, 1}});
  auto doubled = map_values(load.signal(), [](int v) { return 2 * v; });
  auto busy = filter(load.signal(), [](const int&, const int& v) { return v >= 50; });
  auto sums = group_by(
      load.signal(), [](const int& k, const int&) { return k % 2; },
      agg::sum([](int v) { return double(v); }));
  auto joined = join(load.signal(), zone.signal(), [](const int&, int l, int z) { return l + z; });
  std::vector<TableChange<int, int>> changes;
  observe(table_changes(load.signal()), [&](const auto& c) { changes = c; });
  auto guard =
      lift(doubled, busy, sums, joined, [&](const auto&, const auto&, const auto&, const auto&) {
        if (load.value().contains(99)) throw std::runtime_error("refused");
        return 0;
      });

  load.set(load.value().set(1, 70).set(99, 0));
  CHECK(graph.tick().rolled_back == 1);
  load.set(load.value().set(1, 70));
  graph.tick();

  CHECK(contents(doubled.value()) == std::map<int, int>{{1, 140}, {2, 40}});
  CHECK(contents(busy.value()) == std::map<int, int>{{1, 70}});
  CHECK(contents(sums.value()) == std::map<int, double>{{0, 20}, {1, 70}});
  CHECK(contents(joined.value()) == std::map<int, int>{{1, 70}, {2, 21}});
  CHECK(changes == std::vector<TableChange<int, int>>{{1, 10, 70}});
  CHECK(guard.value() == 0);
}

// Every operator at once over two random inputs, through hundreds of ticks of which some fail
// (in a node downstream of all of them, or in an operator's own function): after each tick,
// every value equals its operation applied afresh to the committed inputs, and the changes
// table_changes reported, replayed, give the committed table.
TEST_CASE("every operator equals a fresh computation after each tick, rolled back or not") {
  constexpr int kPoisonKey = 1000;   // refused downstream of everything
  constexpr int kPoisonValue = -13;  // refused by map_values' own function
  Graph graph;
  auto load = graph.source<Ints>(Ints());
  auto zone = graph.source<Ints>(Ints());
  auto doubled = map_values(load.signal(), [](int v) {
    if (v == kPoisonValue) throw std::runtime_error("-13 is refused");
    return 2 * v;
  });
  auto busy = filter(load.signal(), [](const int&, const int& v) { return v >= 50; });
  const auto bucket = [](const int& k, const int&) { return k % 7; };
  const auto as_double = [](int v) { return double(v); };
  auto counts = group_by(load.signal(), bucket, agg::count());
  auto sums = group_by(load.signal(), bucket, agg::sum(as_double));
  auto means = group_by(load.signal(), bucket, agg::mean(as_double));
  auto lows = group_by(load.signal(), bucket, agg::min(as_double));
  auto highs = group_by(load.signal(), bucket, agg::max(as_double));
  auto joined = join(load.signal(), zone.signal(),
                     [](const int&, int l, int z) { return std::make_pair(l, z); });
  std::map<int, int> replayed;
  observe(table_changes(load.signal()), [&](const std::vector<TableChange<int, int>>& changes) {
    for (const auto& c : changes) {
      if (c.after) {
        replayed[c.key] = *c.after;
      } else {
        replayed.erase(c.key);
      }
    }
  });
  auto guard = lift(doubled, busy, counts, sums, means, lows, highs, joined,
                    [&](const auto&, const auto&, const auto&, const auto&, const auto&,
                        const auto&, const auto&, const auto&) {
                      if (load.value().contains(kPoisonKey)) throw std::runtime_error("refused");
                      return 0;
                    });

  std::mt19937 rng(2024);
  int rolled_back = 0;
  for (int tick = 0; tick < 400; ++tick) {
    const Ints load_before = load.value();
    const Ints zone_before = zone.value();
    Ints::Builder next_load(load.value());
    Ints::Builder next_zone(zone.value());
    const int changes = 1 + static_cast<int>(rng() % 12);
    for (int i = 0; i < changes; ++i) {
      const int key = static_cast<int>(rng() % 150);
      if (rng() % 4 == 0) {
        next_load.erase(key);
      } else {
        next_load.set(key, static_cast<int>(rng() % 100));
      }
      if (rng() % 3 == 0) next_zone.set(key, static_cast<int>(rng() % 5));
      if (rng() % 5 == 0) next_zone.erase(key);
    }
    const int poison = static_cast<int>(rng() % 10);
    if (poison == 0) next_load.set(kPoisonKey, 1);
    if (poison == 1) next_load.set(static_cast<int>(rng() % 150), kPoisonValue);
    load.set(next_load.build());
    zone.set(next_zone.build());
    const TickResult result = graph.run_until_idle();

    if (poison <= 1) {
      // Both inputs were taken together and retried one by one: the load fails again.
      REQUIRE(result.rolled_back >= 1);
      ++rolled_back;
      REQUIRE(load.value() == load_before);
    }
    const std::map<int, int> now = contents(load.value());
    const std::map<int, int> zones = contents(zone.value());
    std::map<int, int> expect_doubled, expect_busy;
    std::map<int, std::size_t> expect_counts;
    std::map<int, double> expect_sums, expect_lows, expect_highs, expect_means;
    std::map<int, std::pair<int, int>> expect_joined;
    for (const auto& [k, v] : now) {
      expect_doubled[k] = 2 * v;
      if (v >= 50) expect_busy[k] = v;
      const int b = k % 7;
      ++expect_counts[b];
      expect_sums[b] += v;
      expect_lows[b] = expect_lows.count(b) != 0 ? std::min(expect_lows[b], double(v)) : v;
      expect_highs[b] = expect_highs.count(b) != 0 ? std::max(expect_highs[b], double(v)) : v;
      if (auto z = zones.find(k); z != zones.end()) expect_joined[k] = {v, z->second};
    }
    for (const auto& [b, n] : expect_counts) expect_means[b] = expect_sums[b] / double(n);

    REQUIRE(contents(doubled.value()) == expect_doubled);
    REQUIRE(contents(busy.value()) == expect_busy);
    REQUIRE(contents(counts.value()) == expect_counts);
    REQUIRE(contents(sums.value()) == expect_sums);
    REQUIRE(contents(means.value()) == expect_means);
    REQUIRE(contents(lows.value()) == expect_lows);
    REQUIRE(contents(highs.value()) == expect_highs);
    REQUIRE(contents(joined.value()) == expect_joined);
    REQUIRE(replayed == now);
    REQUIRE(guard.value() == 0);
  }
  CHECK(rolled_back > 40);
}

}  // namespace
}  // namespace mirari
