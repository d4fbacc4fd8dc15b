// lift_all over values it can copy keeps them side by side and, with more than 16 inputs,
// copies in a tick only the inputs the graph says changed. These check that f always sees
// every input's current value: after random writes, a rolled-back tick, a stretch with
// nothing needing it, an input listed twice, and beyond the inputs an edge can name.
#include <catch2/catch.hpp>

#include <cstdint>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "mirari/mirari.hpp"
#include "node_lookup.hpp"

namespace mirari {
namespace {

// Position-weighted, so a value copied into the wrong slot shows.
std::int64_t weighted(const Values<std::int64_t>& xs) {
  std::int64_t total = 0;
  for (std::size_t i = 0; i < xs.size(); ++i) total += static_cast<std::int64_t>(i + 1) * xs[i];
  return total;
}

struct Inputs {
  explicit Inputs(Graph& graph, int count) {
    for (int i = 0; i < count; ++i) sources.push_back(graph.source<std::int64_t>(0));
    for (const auto& s : sources) signals.push_back(s);
  }
  std::int64_t expected() const {
    std::int64_t total = 0;
    for (std::size_t i = 0; i < sources.size(); ++i) {
      total += static_cast<std::int64_t>(i + 1) * sources[i].value();
    }
    return total;
  }
  std::vector<Source<std::int64_t>> sources;
  std::vector<Signal<std::int64_t>> signals;
};

TEST_CASE("lift_all sees every input's value after random writes, one or several a tick") {
  Graph graph;
  Inputs in(graph, 40);
  auto total = lift_all(in.signals, weighted);
  observe(total, [](std::int64_t) {});
  std::mt19937 random(7);
  for (int tick = 0; tick < 500; ++tick) {
    const int writes = 1 + static_cast<int>(random() % 4);
    graph.batch([&] {
      for (int w = 0; w < writes; ++w) {
        in.sources[random() % in.sources.size()].set(static_cast<std::int64_t>(random() % 1000));
      }
    });
    graph.tick();
    REQUIRE(total.value() == in.expected());
  }
}

TEST_CASE("lift_all reads again an input whose change a rolled-back tick took back") {
  Graph graph;
  Inputs in(graph, 20);
  auto total = lift_all(in.signals, weighted);
  auto guarded = map(total, [](std::int64_t v) {
    if (v >= 100) throw std::runtime_error("too large");
    return v;
  });
  observe(guarded, [](std::int64_t) {});

  in.sources[1].set(60);  // weighted: 120, refused, so the source goes back to 0
  const TickResult refused = graph.tick();
  REQUIRE(refused.rolled_back == 1);
  REQUIRE(in.sources[1].value() == 0);

  in.sources[0].set(5);
  graph.tick();

  CHECK(total.value() == 5);
  CHECK(guarded.value() == 5);
}

TEST_CASE("lift_all is current again after its inputs changed while nothing needed it") {
  Graph graph;
  Inputs in(graph, 20);
  auto total = lift_all(in.signals, weighted).named("total");
  const OwnerId viewer = graph.add_owner("viewer");
  graph.change(viewer, [&] { observe(total, [](std::int64_t) {}); });
  in.sources[0].set(1);
  graph.tick();
  graph.remove_owner(viewer);

  in.sources[1].set(10);
  graph.tick();
  REQUIRE_FALSE(node_named(graph, "total").needed);
  CHECK(total.value() == 21);  // read while idle: brought up to date, still idle
  in.sources[2].set(100);
  graph.tick();
  CHECK(total.value() == 321);  // a change it was not told of, read while still idle

  std::vector<std::int64_t> seen;
  graph.change(graph.add_owner("viewer-2"),
               [&] { observe(total, [&](std::int64_t v) { seen.push_back(v); }); });
  in.sources[3].set(1000);
  graph.tick();

  CHECK(seen == std::vector<std::int64_t>{321, 4321});
}

TEST_CASE("lift_all over an input listed twice, or over a few inputs, follows each write") {
  Graph graph;
  Inputs in(graph, 20);
  std::vector<Signal<std::int64_t>> twice = in.signals;
  twice.push_back(in.signals[0]);
  auto many = lift_all(twice, weighted);
  auto alone = lift_all(std::vector<Signal<std::int64_t>>{in.signals[0]}, weighted);
  auto few = lift_all(std::vector<Signal<std::int64_t>>{in.signals[0], in.signals[1]}, weighted);
  observe(many, [](std::int64_t) {});
  observe(alone, [](std::int64_t) {});
  observe(few, [](std::int64_t) {});

  in.sources[0].set(10);
  graph.tick();
  in.sources[1].set(1);
  graph.tick();

  CHECK(many.value() == in.expected() + 21 * 10);
  CHECK(alone.value() == 10);
  CHECK(few.value() == 10 + 2 * 1);
}

TEST_CASE("lift_all over more inputs than an edge can name still sees each write") {
  Graph graph;
  Inputs in(graph, 20'000);  // an edge names inputs below 16,382; the rest are read whole
  auto total = lift_all(in.signals, weighted);
  observe(total, [](std::int64_t) {});

  for (const std::size_t i :
       {std::size_t{5}, std::size_t{16'381}, std::size_t{16'382}, std::size_t{19'999}}) {
    in.sources[i].set(static_cast<std::int64_t>(i));
    graph.tick();
    REQUIRE(total.value() == in.expected());
  }
}

TEST_CASE("lift_all over values it cannot copy freely reads them through their nodes") {
  Graph graph;
  auto a = graph.source<std::string>("a");
  auto b = graph.source<std::string>("b");
  auto joined = lift_all(std::vector<Signal<std::string>>{a, b}, [](const Values<std::string>& xs) {
    std::string out;
    for (const std::string& x : xs) out += x;
    return out;
  });
  observe(joined, [](const std::string&) {});

  b.set("c");
  graph.tick();

  CHECK(joined.value() == "ac");
}

}  // namespace
}  // namespace mirari
