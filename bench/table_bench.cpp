// Tables against the std::map they replace, in the same run.
//
// Update: one key of a table of N records changes, and the change is found again by diffing
// the old version against the new one — what a watcher does for each kernel message and a
// subscriber does for each tick. Mirari: Table::set and diff (shares all but one path). The
// baseline: what the std::map ports do, copy the map, change the key, walk both maps in key
// order to find the change.
//
// Group mean: a table of N instances in 10 groups feeds a per-group mean; each tick changes
// one instance's load. Mirari: group_by with agg::mean (O(1) per changed key). The baseline:
// a map node recomputing every group's mean over all N entries, on the same ticks.
//
// After the usual output, one line per figure gives baseline CPU time / Mirari CPU time.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <cstdio>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "mirari/collections.hpp"
#include "mirari/mirari.hpp"

namespace mirari::bench {
namespace {

// A record shaped like a port's: a short name and a few counters.
struct Record {
  std::string name;
  std::int64_t rx = 0;
  std::int64_t tx = 0;
  friend bool operator==(const Record&, const Record&) = default;
};

Record record(int i, std::int64_t counter) {
  return Record{"eth" + std::to_string(i % 1000), counter, counter / 2};
}

void BM_TableUpdateDiff(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  Table<int, Record>::Builder builder;
  for (int i = 0; i < n; ++i) builder.set(i, record(i, 0));
  Table<int, Record> table = builder.build();
  std::int64_t counter = 0;
  std::int64_t found = 0;
  for (auto _ : state) {
    const int key = static_cast<int>(++counter % n);
    Table<int, Record> next = table.set(key, record(key, counter));
    diff(table, next, [&](const int&, const Record*, const Record* after) { found += after->rx; });
    table = std::move(next);
  }
  benchmark::DoNotOptimize(found);
  if (found != counter * (counter + 1) / 2) state.SkipWithError("a change was missed");
}

void BM_StdMapCopyUpdateDiff(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  std::map<int, Record> table;
  for (int i = 0; i < n; ++i) table.emplace(i, record(i, 0));
  std::int64_t counter = 0;
  std::int64_t found = 0;
  for (auto _ : state) {
    const int key = static_cast<int>(++counter % n);
    std::map<int, Record> next = table;
    next[key] = record(key, counter);
    // Both maps hold the same keys here: one walk in step finds the changed values.
    for (auto a = table.begin(), b = next.begin(); a != table.end(); ++a, ++b) {
      if (!(a->second == b->second)) found += b->second.rx;
    }
    table = std::move(next);
  }
  benchmark::DoNotOptimize(found);
  if (found != counter * (counter + 1) / 2) state.SkipWithError("a change was missed");
}

struct Instance {
  int group = 0;
  double load = 0;
  friend bool operator==(const Instance&, const Instance&) = default;
};
constexpr int kGroups = 10;

// One tick per iteration: one instance's load changes, the per-group means follow.
template <class MakeMeans>
void group_mean_ticks(benchmark::State& state, MakeMeans make_means) {
  const int n = static_cast<int>(state.range(0));
  Graph graph;
  Table<int, Instance>::Builder builder;
  for (int i = 0; i < n; ++i) builder.set(i, Instance{i % kGroups, double(i % 100)});
  auto fleet = graph.source<Table<int, Instance>>(builder.build());
  Signal<Table<int, double>> means = make_means(fleet.signal());
  std::int64_t counter = 0;
  for (auto _ : state) {
    const int key = static_cast<int>(++counter % n);
    fleet.set(fleet.value().set(key, Instance{key % kGroups, double(counter)}));  // always new
    graph.tick();
  }
  benchmark::DoNotOptimize(means.value().size());
}

void BM_GroupByMeanUpdate(benchmark::State& state) {
  group_mean_ticks(state, [](Signal<Table<int, Instance>> fleet) {
    return group_by(
        fleet, [](const Instance& i) { return i.group; },
        agg::mean([](const Instance& i) { return i.load; }));
  });
}

void BM_RecomputeMeanUpdate(benchmark::State& state) {
  group_mean_ticks(state, [](Signal<Table<int, Instance>> fleet) {
    return map(fleet, [](const Table<int, Instance>& all) {
      std::vector<double> sums(kGroups, 0.0);
      std::vector<int> counts(kGroups, 0);
      for (const auto& [key, instance] : all) {
        sums[static_cast<std::size_t>(instance.group)] += instance.load;
        ++counts[static_cast<std::size_t>(instance.group)];
      }
      Table<int, double>::Builder out;
      for (int g = 0; g < kGroups; ++g) {
        const auto i = static_cast<std::size_t>(g);
        if (counts[i] > 0) out.set(g, sums[i] / counts[i]);
      }
      return out.build();
    });
  });
}

BENCHMARK(BM_TableUpdateDiff)->Arg(10)->Arg(1000)->Arg(100'000);
BENCHMARK(BM_StdMapCopyUpdateDiff)->Arg(10)->Arg(1000)->Arg(100'000);
BENCHMARK(BM_GroupByMeanUpdate)->Arg(1000)->Arg(10'000)->Arg(100'000);
BENCHMARK(BM_RecomputeMeanUpdate)->Arg(1000)->Arg(10'000)->Arg(100'000);

// Prints as the console does and remembers each run's CPU time per iteration (the CPU time:
// on a shared machine the wall time also counts the waits for a core).
class RatioReporter : public benchmark::ConsoleReporter {
 public:
  void ReportRuns(const std::vector<Run>& runs) override {
    ConsoleReporter::ReportRuns(runs);
    for (const Run& run : runs) {
      if (run.run_type == Run::RT_Iteration && run.iterations > 0 && !run.error_occurred) {
        ns_[run.benchmark_name()] = run.GetAdjustedCPUTime();
      }
    }
  }
  // baseline / mirari for each pair measured in this run.
  void print_ratios() const {
    const std::pair<const char*, const char*> pairs[] = {
        {"BM_TableUpdateDiff", "BM_StdMapCopyUpdateDiff"},
        {"BM_GroupByMeanUpdate", "BM_RecomputeMeanUpdate"},
    };
    std::printf("\n%-28s %10s %14s %14s %9s\n", "figure", "entries", "mirari", "baseline",
                "speed-up");
    for (const auto& [mine, baseline] : pairs) {
      for (const auto& [name, ns] : ns_) {
        if (name.rfind(std::string(mine) + "/", 0) != 0) continue;
        const std::string arg = name.substr(std::string(mine).size() + 1);
        auto other = ns_.find(std::string(baseline) + "/" + arg);
        if (other == ns_.end()) continue;
        std::printf("%-28s %10s %11.0f ns %11.0f ns %8.1fx\n", mine + 3, arg.c_str(), ns,
                    other->second, other->second / ns);
      }
    }
  }

 private:
  std::map<std::string, double> ns_;
};

}  // namespace
}  // namespace mirari::bench

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  mirari::bench::RatioReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  reporter.print_ratios();
  benchmark::Shutdown();
  return 0;
}
