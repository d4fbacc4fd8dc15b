// The host's plugin manager, driven in-process as mirarid drives it: plugin load time,
// reload time (new copy opened → swap committed) for a plugin of 1,000 nodes, and inputs lost
// during 1,000 reloads under 100,000 inputs per second.
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>
#include <chrono>
#include <filesystem>
#include <iostream>
#include <map>
#include <thread>

#include "logging.hpp"
#include "mirari/mirari.hpp"
#include "plugin_manager.hpp"
#include "tick_runner.hpp"

namespace fs = std::filesystem;
using namespace mirari::host;
using Clock = std::chrono::steady_clock;

namespace {

double ms(Clock::duration d) {
  return std::chrono::duration<double, std::milli>(d).count();
}

// mirarid's plugin side without its sockets: the graph on a strand of an io_context that
// this thread runs, worker threads for posted work, the plugin manager and the tick runner.
class Host {
 public:
  explicit Host(std::int64_t nodes)
      : dir_(fs::temp_directory_path() / ("mirari-host-bench." + std::to_string(::getpid()))),
        plugins_(graph_, strand_, workers_, logging_, {dir_ / "private", true},
                 [this](const std::string& name) -> const PluginTable* {
                   return name == table_.instance ? &table_ : nullptr;
                 }) {
    fs::create_directories(dir_);
    fs::copy_file(MIRARI_BENCH_PLUGIN, dir_ / "wide.so", fs::copy_options::overwrite_existing);
    table_.instance = "wide";
    table_.file = dir_ / "wide.so";
    table_.values.insert("nodes", nodes);
    graph_.change(graph_.add_owner("bench"), [&] {
      ticks_source_ = graph_.event_source<std::int64_t>();
      graph_.publish("bench.ticks", ticks_source_.event());
    });
  }
  ~Host() {
    bool done = false;
    plugins_.unload_all([&] { done = true; });
    run_until([&] { return done; });
    std::error_code ignored;
    fs::remove_all(dir_, ignored);
  }

  PluginManager& plugins() { return plugins_; }
  mirari::Graph& graph() { return graph_; }
  const fs::path& file() const { return table_.file; }
  const mirari::EventSource<std::int64_t>& ticks() const { return ticks_source_; }
  std::int64_t count() { return graph_.subscribe<std::int64_t>("bench.count").value(); }

  // Runs the strand's handlers (ticks, retirements) until done() holds.
  template <class F>
  void run_until(F done) {
    while (!done()) {
      io_.restart();
      io_.run_for(std::chrono::milliseconds(1));
    }
  }
  void unload() {
    bool done = false;
    plugins_.unload("wide", [&](const std::string&) { done = true; });
    run_until([&] { return done; });
  }
  void settle() {
    run_until([&] { return plugins_.retiring() == 0 && graph_.idle(); });
  }

 private:
  fs::path dir_;
  Logging logging_{spdlog::level::warn};
  boost::asio::io_context io_;
  boost::asio::any_io_executor strand_ = boost::asio::make_strand(io_);
  boost::asio::thread_pool workers_{2};
  mirari::Graph graph_;
  TickRunner ticks_{graph_, strand_,
                    [](const mirari::NodeError& e) { std::cerr << e.what() << '\n'; }};
  PluginTable table_;
  PluginManager plugins_;
  mirari::EventSource<std::int64_t> ticks_source_;
};

void percentiles(benchmark::State& state, std::vector<double> samples) {
  std::sort(samples.begin(), samples.end());
  const auto at = [&](double q) {
    return samples[std::min(samples.size() - 1, static_cast<std::size_t>(q * samples.size()))];
  };
  state.counters["p50_ms"] = at(0.50);
  state.counters["p90_ms"] = at(0.90);
  state.counters["max_ms"] = samples.back();
}

void BM_PluginLoad(benchmark::State& state) {
  Host host(state.range(0));
  std::vector<double> samples;
  for (auto _ : state) {
    const auto start = Clock::now();
    host.plugins().load(host.file(), "wide", Origin::control);
    const auto took = Clock::now() - start;
    state.SetIterationTime(std::chrono::duration<double>(took).count());
    samples.push_back(ms(took));
    state.PauseTiming();
    host.unload();
    state.ResumeTiming();
  }
  percentiles(state, samples);
}
BENCHMARK(BM_PluginLoad)
    ->Arg(1000)
    ->UseManualTime()
    ->Unit(benchmark::kMillisecond)
    ->Iterations(200);

void BM_Reload(benchmark::State& state) {
  Host host(state.range(0));
  host.plugins().load(host.file(), "wide", Origin::control);
  state.counters["nodes"] = static_cast<double>(host.graph().stats().nodes);
  std::vector<double> samples;
  for (auto _ : state) {
    const auto start = Clock::now();
    host.plugins().reload("wide");
    const auto took = Clock::now() - start;
    state.SetIterationTime(std::chrono::duration<double>(took).count());
    samples.push_back(ms(took));
    state.PauseTiming();
    host.settle();
    state.ResumeTiming();
  }
  percentiles(state, samples);
}
BENCHMARK(BM_Reload)->Arg(1000)->UseManualTime()->Unit(benchmark::kMillisecond)->Iterations(500);

// One run: a writer thread emits at `rate` inputs per second while the graph's thread
// reloads the plugin `reloads` times, one per millisecond; then every input must be counted.
void BM_InputsLostDuringReloads(benchmark::State& state) {
  const std::int64_t reloads = state.range(0);
  const std::int64_t rate = state.range(1);
  for (auto _ : state) {
    Host host(1);
    host.plugins().load(host.file(), "wide", Origin::control);
    std::atomic<bool> writing{true};
    std::atomic<std::int64_t> sent{0};
    std::thread writer([&] {
      const auto start = Clock::now();
      while (writing) {
        const auto due =
            static_cast<std::int64_t>(std::chrono::duration<double>(Clock::now() - start).count() *
                                      static_cast<double>(rate));
        for (std::int64_t i = sent; i < due; ++i) host.ticks().emit(1);
        sent = std::max<std::int64_t>(sent, due);
        std::this_thread::sleep_for(std::chrono::microseconds(200));
      }
    });
    // One reload per millisecond; ticks run in between, as they do in mirarid.
    const auto start = Clock::now();
    for (std::int64_t i = 0; i < reloads; ++i) {
      host.plugins().reload("wide");
      const auto next = start + std::chrono::milliseconds(i + 1);
      host.run_until([&] { return Clock::now() >= next; });
    }
    const auto elapsed = Clock::now() - start;
    writing = false;
    writer.join();
    host.settle();
    const std::int64_t counted = host.count();
    state.counters["reloads"] = static_cast<double>(reloads);
    state.counters["inputs_sent"] = static_cast<double>(sent.load());
    state.counters["inputs_counted"] = static_cast<double>(counted);
    state.counters["inputs_lost"] = static_cast<double>(sent.load() - counted);
    state.counters["inputs_per_s"] =
        static_cast<double>(sent.load()) / std::chrono::duration<double>(elapsed).count();
    if (counted != sent) state.SkipWithError("inputs were lost");
  }
}
BENCHMARK(BM_InputsLostDuringReloads)
    ->Args({1000, 100000})
    ->Iterations(1)
    ->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
