// What one importing host costs as the cluster grows: 1,000 exporting hosts simulated by
// mirari_cluster_load (load_generator.cpp: one lease per host, routes.desired and load.total
// records under each host's key prefix, as the plugin writes them) and one real mirarid, B,
// importing both ports from a real three-member etcd cluster.
//
// Per rate (keys changed per second, all hosts together):
//   1. B alone: its resident memory. Then the generator writes the 1,000 hosts, and once B
//      holds all of them (cluster.all.routes.desired and cluster.all.load.total have 1,000
//      entries) its memory again: the difference per host is what B holds for one host.
//   2. B's CPU time over 2 s with nothing changing: the idle cost, taken off what follows.
//   3. The generator changes load.total at the rate for 10 s, each value the wall-clock time
//      of its put: one key a request (as hosts write), or BATCH hosts' keys in one transaction
//      (one revision), which lets etcd take more keys a second than requests, past the rate
//      where etcd itself is the limit (etcd_limited: it took under 95% of the rate). B's
//      control-socket `watch` of cluster.all.load.total (as mirarictl holds it, read by a thread of
//      the benchmark) gives each committed change; each changed key counts as one key applied, and
//      its lag is its arrival less its value.
//   4. Once the generator is done, until B has applied the last change (or 30 s).
// B keeps up with a rate when it applies as many keys a second as etcd took (95%) and the
// p99 lag stays under a second; past that point the lag grows for as long as the load lasts.
// The CPU time of the generator and of the etcd members over the same 10 s says which part
// was the bottleneck: a rate that etcd (or the generator) cannot take is not B's limit.
//
// B's figures include its control socket writing every change to the watch (one response a
// tick, with only the keys that changed).
//
// BM_ImportRate/RATE/BATCH/CONNECTIONS counters: put_rate (keys/s etcd took), applied_rate (keys/s
// B committed), keeps_up (1 or 0), lag_median_ms, lag_p99_ms, lag_last_ms (the last change's),
// b_cpu_us_key (B's CPU time per key applied, idle cost taken off), b_cpu_share (of one core),
// b_idle_cpu_share, b_kib_per_host, b_kib_empty, b_kib_full, gen_cpu_share, etcd_cpu_share
// (the three members together, in cores), setup_s, load1.
#include <benchmark/benchmark.h>
#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <fstream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "cluster_host.hpp"
#include "etcd_client.hpp"
#include "etcd_cluster.hpp"
#include "etcd_messages.hpp"
#include "key_layout.hpp"
#include "port_codecs.hpp"
#include "samples.hpp"
#include "temp_dir.hpp"

namespace {

using mirari::bench::ClusterHost;
using mirari::bench::cpu_seconds;
using mirari::bench::WatchStream;
using nlohmann::json;
using Clock = std::chrono::steady_clock;

constexpr std::size_t kHosts = 1000;
constexpr double kSeconds = 10;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

double etcd_cpu() {
  double total = 0;
  for (const pid_t pid : mirari::bench::children_named("etcd")) total += cpu_seconds(pid);
  return total;
}

// The generator, its standard input a pipe held here and its output a file.
class Generator {
 public:
  Generator(const mirari::testing::EtcdCluster& etcd, double rate, std::int64_t batch,
            std::int64_t connections) {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) throw std::runtime_error("pipe2 failed");
    input_ = fds[1];
    const int out = ::open(out_file().c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    std::string endpoints;
    for (const auto& e : etcd.endpoints()) endpoints += (endpoints.empty() ? "" : ",") + e;
    child_ = std::make_unique<mirari::testing::ChildProcess>(
        std::vector<std::string>{MIRARI_CLUSTER_LOAD, endpoints, "bench", std::to_string(kHosts),
                                 std::to_string(rate), std::to_string(kSeconds),
                                 std::to_string(connections), std::to_string(batch)},
        mirari::testing::ChildStreams{fds[0], out, -1});
    ::close(fds[0]);
    ::close(out);
  }
  ~Generator() {
    ::close(input_);  // its last read ends: it exits (killed when the object goes, else)
    child_->wait(std::chrono::seconds(5));
  }
  Generator(const Generator&) = delete;
  Generator& operator=(const Generator&) = delete;

  void go() {
    if (::write(input_, "go\n", 3) != 3) throw std::runtime_error("the generator is gone");
  }
  // The line of its output holding key, once it is there.
  std::optional<json> line_with(const std::string& key) const {
    std::istringstream text(mirari::bench::read_text(out_file()));
    for (std::string line; std::getline(text, line);) {
      const json j = json::parse(line, nullptr, false);
      if (!j.is_discarded() && j.contains(key)) return j;
    }
    return std::nullopt;
  }
  json wait_for(const std::string& key, std::chrono::seconds timeout) const {
    std::optional<json> found;
    if (!mirari::testing::eventually([&] { return (found = line_with(key)).has_value(); },
                                     timeout)) {
      throw std::runtime_error("the load generator did not print " + key);
    }
    return *found;
  }

 private:
  std::filesystem::path out_file() const { return dir_.path() / "generator.out"; }

  mirari::testing::TempDir dir_;
  int input_ = -1;
  std::unique_ptr<mirari::testing::ChildProcess> child_;
};

std::size_t entries(const ClusterHost& b, const std::string& port) {
  return b.request({{"cmd", "get"}, {"port", port}}).size();
}

// B and the 1,000 hosts, up to the moment the changes start.
struct Fleet {
  mirari::testing::EtcdCluster etcd;
  ClusterHost b;
  long kib_empty = 0, kib_full = 0;
  double idle_share = 0;
  std::unique_ptr<Generator> generator;
  json ready;

  Fleet(double rate, std::int64_t batch, std::int64_t connections)
      : b(etcd, "b", "import = [\"routes.desired\", \"load.total\"]\n", 60) {
    std::this_thread::sleep_for(std::chrono::seconds(1));
    kib_empty = mirari::bench::resident_kib(b.pid());
    generator = std::make_unique<Generator>(etcd, rate, batch, connections);
    ready = generator->wait_for("ready", std::chrono::seconds(120));
    if (!mirari::testing::eventually(
            [&] {
              return entries(b, "cluster.all.routes.desired") == kHosts &&
                     entries(b, "cluster.all.load.total") == kHosts;
            },
            std::chrono::seconds(60))) {
      throw std::runtime_error("B did not come to hold the " + std::to_string(kHosts) + " hosts");
    }
    std::this_thread::sleep_for(std::chrono::seconds(1));
    kib_full = mirari::bench::resident_kib(b.pid());
    const auto idle_start = Clock::now();
    const double idle_cpu_before = cpu_seconds(b.pid());
    std::this_thread::sleep_for(std::chrono::seconds(2));
    idle_share = (cpu_seconds(b.pid()) - idle_cpu_before) / seconds_since(idle_start);
  }

  void report(benchmark::State& state) const {
    state.counters["b_idle_cpu_share"] = idle_share;
    state.counters["b_kib_empty"] = static_cast<double>(kib_empty);
    state.counters["b_kib_full"] = static_cast<double>(kib_full);
    state.counters["b_kib_per_host"] =
        static_cast<double>(kib_full - kib_empty) / static_cast<double>(kHosts);
    state.counters["setup_s"] = ready["setup_s"].get<double>();
  }
};

void run(benchmark::State& state) {
  const auto rate = static_cast<double>(state.range(0));
  Fleet fleet(rate, state.range(1), state.range(2));
  ClusterHost& b = fleet.b;
  Generator& generator = *fleet.generator;
  const double idle_share = fleet.idle_share;

  WatchStream watch(b, "cluster.all.load.total");
  std::vector<WatchStream::Line> lines;
  if (!mirari::testing::eventually([&] {
        for (auto& line : watch.drain()) lines.push_back(std::move(line));
        return !lines.empty();
      })) {
    throw std::runtime_error("B's watch of cluster.all.load.total gave nothing");
  }
  lines.clear();  // the whole table, as it stood

  const double b_cpu_before = cpu_seconds(b.pid());
  const double etcd_cpu_before = etcd_cpu();
  const auto start = Clock::now();
  generator.go();
  const json done =
      generator.wait_for("puts", std::chrono::seconds(static_cast<long>(kSeconds) * 6));
  const double load_s = seconds_since(start);
  const double etcd_share = (etcd_cpu() - etcd_cpu_before) / load_s;
  const auto puts = done["puts"].get<std::size_t>();

  // Until B has applied as many changes as were made, or nothing came for 30 s. A change B
  // coalesced with a later one of the same host in one tick counts once: the wait then ends on
  // the 30 s, and applied_rate shows it.
  std::vector<double> lag;
  std::size_t applied = 0;
  auto take = [&] {
    for (auto& line : watch.drain()) {
      for (const auto& [host, value] : line.value["changed"].items()) {
        ++applied;
        const double at_us = static_cast<double>(
            std::chrono::duration_cast<std::chrono::microseconds>(line.wall.time_since_epoch())
                .count());
        lag.push_back((at_us - value.get<double>()) / 1000.0);
      }
      lines.push_back(std::move(line));
    }
  };
  auto last_progress = Clock::now();
  while (applied < puts && Clock::now() - last_progress < std::chrono::seconds(30)) {
    const std::size_t before = applied;
    take();
    if (applied != before) last_progress = Clock::now();
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  if (lines.empty()) throw std::runtime_error("B applied no change");
  // B's CPU up to its last change: the idle cost of the time it took is taken off.
  const double b_cpu = cpu_seconds(b.pid()) - b_cpu_before;
  const double b_busy = b_cpu - idle_share * seconds_since(start);
  const double applied_span = std::chrono::duration<double>(lines.back().at - start).count();

  const double applied_rate = static_cast<double>(applied) / applied_span;
  const double put_rate = done["rate"].get<double>();
  const double lag_p99 = mirari::bench::quantile(lag, 0.99);
  state.counters["offered_rate"] = rate;
  state.counters["put_rate"] = put_rate;
  state.counters["etcd_limited"] = put_rate < 0.95 * rate ? 1 : 0;
  state.counters["puts"] = static_cast<double>(puts);
  state.counters["applied"] = static_cast<double>(applied);
  state.counters["applied_rate"] = applied_rate;
  state.counters["keeps_up"] = applied_rate >= 0.95 * put_rate && lag_p99 < 1000 ? 1 : 0;
  state.counters["lag_median_ms"] = mirari::bench::quantile(lag, 0.5);
  state.counters["lag_p99_ms"] = lag_p99;
  state.counters["lag_last_ms"] = lag.back();
  state.counters["b_cpu_us_key"] = 1e6 * b_busy / static_cast<double>(applied);
  state.counters["b_cpu_share"] = b_cpu / applied_span;
  fleet.report(state);
  state.counters["gen_cpu_share"] = done["cpu_s"].get<double>() / done["seconds"].get<double>();
  state.counters["gen_errors"] = done["errors"].get<double>();
  state.counters["expired_leases"] = done["expired_leases"].get<double>();
  state.counters["etcd_cpu_share"] = etcd_share;
  state.counters["load1"] = mirari::bench::load_average();
  for (auto _ : state) {
  }
}

// The importer's own ceiling, past what etcd takes: B is frozen (SIGSTOP) while the generator
// makes its changes, so they wait in etcd, then thawed (SIGCONT): its watch delivers the
// backlog as fast as B reads it, and B applies every revision in order. The clock runs from
// the thaw until B's cluster.all.load.total holds the latest value etcd has for every host
// (read back from etcd once the generator is done), seen on its control-socket watch.
// Revisions queued together may land in one tick (the graph takes every queued batch): ticks
// says how many B ran.
//
// BM_ImportCatchUp/RATE/BATCH/CONNECTIONS counters: backlog (keys changed while frozen),
// catchup_s, catchup_rate (backlog / catchup_s, keys/s), b_cpu_us_key (B's CPU time per key
// of the backlog), b_cpu_share, ticks, put_rate, etcd_cpu_share, load1, and the fleet's.
void catch_up(benchmark::State& state) {
  Fleet fleet(static_cast<double>(state.range(0)), state.range(1), state.range(2));
  ClusterHost& b = fleet.b;
  WatchStream watch(b, "cluster.all.load.total");
  std::map<std::string, double> held;
  auto take = [&]() -> std::optional<Clock::time_point> {
    std::optional<Clock::time_point> last;
    for (auto& line : watch.drain()) {
      const json& changed = line.value.contains("changed") ? line.value["changed"] : line.value;
      for (const auto& [host, value] : changed.items()) held[host] = value.get<double>();
      last = line.at;
    }
    return last;
  };
  if (!mirari::testing::eventually([&] { return take().has_value(); })) {
    throw std::runtime_error("B's watch of cluster.all.load.total gave nothing");
  }
  const auto ticks_before = b.request({{"cmd", "stats"}})["ticks"].get<double>();
  b.signal(SIGSTOP);
  const double etcd_cpu_before = etcd_cpu();
  const auto start = Clock::now();
  fleet.generator->go();
  const json done = fleet.generator->wait_for("puts", std::chrono::seconds(600));
  const double etcd_share = (etcd_cpu() - etcd_cpu_before) / seconds_since(start);

  // What B must end with: etcd's latest load.total of every host.
  std::map<std::string, double> latest;
  mirari::cluster::EtcdClient client(fleet.etcd.endpoints(), std::chrono::seconds(5));
  const auto all = mirari::cluster::parse_range(
      client.call("/v3/kv/range", mirari::cluster::range_request("/mirari/bench/hosts/")));
  for (const auto& kv : all.kvs) {
    const auto key = mirari::cluster::parse_port_key(kv.key, "/mirari/bench/hosts/");
    if (key && key->port == "load.total") {
      latest[key->host] = json::parse(mirari::cluster::decode_record(kv.value).value).get<double>();
    }
  }
  if (latest.size() != kHosts) throw std::runtime_error("etcd does not hold every host");

  const double cpu_before = cpu_seconds(b.pid());
  const auto thawed = Clock::now();
  b.signal(SIGCONT);
  std::optional<Clock::time_point> caught_up;
  const auto deadline = thawed + std::chrono::seconds(120);
  while (!caught_up && Clock::now() < deadline) {
    const auto last = take();
    if (last && held == latest) caught_up = last;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  if (!caught_up) throw std::runtime_error("B did not catch up within 120 s");
  const double cpu = cpu_seconds(b.pid()) - cpu_before;
  const double span = std::chrono::duration<double>(*caught_up - thawed).count();
  const auto backlog = done["puts"].get<double>();
  state.counters["backlog"] = backlog;
  state.counters["put_rate"] = done["rate"].get<double>();
  state.counters["catchup_s"] = span;
  state.counters["catchup_rate"] = backlog / span;
  state.counters["b_cpu_us_key"] = 1e6 * cpu / backlog;
  state.counters["b_cpu_share"] = cpu / span;
  state.counters["ticks"] = b.request({{"cmd", "stats"}})["ticks"].get<double>() - ticks_before;
  state.counters["etcd_cpu_share"] = etcd_share;
  state.counters["load1"] = mirari::bench::load_average();
  fleet.report(state);
  for (auto _ : state) {
  }
}

void BM_ImportCatchUp(benchmark::State& state) {
  mirari::bench::run_or_skip(state, catch_up);
}

void BM_ImportRate(benchmark::State& state) {
  mirari::bench::run_or_skip(state, run);
}

}  // namespace

// One key a revision, as hosts write (32 connections standing for the 1,000 hosts), then
// transactions of 50 hosts' keys (4 connections) past the rate etcd takes one by one.
BENCHMARK(BM_ImportRate)
    ->ArgNames({"keys_per_s", "batch", "connections"})
    ->Args({500, 1, 32})
    ->Args({1000, 1, 32})
    ->Args({2000, 1, 32})
    ->Args({4000, 1, 32})
    ->Args({8000, 50, 4})
    ->Args({16000, 50, 4})
    ->Args({32000, 50, 4})
    ->Iterations(1)
    ->Unit(benchmark::kMillisecond);

// A backlog of 100,000 keys: 10 s of transactions of 50 hosts' keys.
BENCHMARK(BM_ImportCatchUp)
    ->ArgNames({"keys_per_s", "batch", "connections"})
    ->Args({2000, 1, 32})
    ->Args({10000, 50, 4})
    ->Iterations(1)
    ->Unit(benchmark::kMillisecond);
