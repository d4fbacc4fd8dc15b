// A watcher's table and the changes that led to it land in one tick: the table port and the
// change-event port never disagree, and a wake-up's many changes make one occurrence.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include <mirari/mirari.hpp>

#include "common/table_changes.hpp"
#include "common/table_publisher.hpp"

namespace {

using Names = mirari::Table<int, std::string>;

struct NameChange {
  enum class Kind { added, changed, removed };
  Kind kind;
  std::optional<std::string> old_name;
  std::optional<std::string> new_name;
  friend bool operator==(const NameChange&, const NameChange&) = default;
};

TEST_CASE("a table and its changes are written as one tick, the changes as one list") {
  mirari::Graph graph;
  auto out = mirari::common::TablePublisher<Names, NameChange>::make(graph, Names{{1, "lo"}});
  std::vector<std::pair<std::size_t, std::size_t>> seen;  // (table size, changes) per tick
  auto both = mirari::sample(
      out.changes(), out.table(), [](const std::vector<NameChange>& changes, const Names& names) {
        return std::pair<std::size_t, std::size_t>{names.size(), changes.size()};
      });
  mirari::observe(both, [&](const auto& p) { seen.push_back(p); });

  const Names before = out.value();
  const Names after = before.set(2, "eth0").set(3, "eth1").erase(1);
  std::vector<NameChange> changes;
  mirari::common::diff_tables(before, after, changes);
  REQUIRE(changes.size() == 3);
  out.publish(after, changes);

  CHECK(changes.empty());  // handed over
  CHECK(graph.run_until_idle().committed == 1);
  CHECK(seen == std::vector<std::pair<std::size_t, std::size_t>>{{2, 3}});
  CHECK(out.value() == after);
}

TEST_CASE("nothing is written when nothing changed") {
  mirari::Graph graph;
  auto out = mirari::common::TablePublisher<Names, NameChange>::make(graph, Names{{1, "lo"}});
  std::vector<NameChange> none;
  out.publish(Names{{1, "lo"}, {2, "eth0"}}, none);
  CHECK(graph.idle());
  CHECK(out.value().size() == 1);
}

}  // namespace
