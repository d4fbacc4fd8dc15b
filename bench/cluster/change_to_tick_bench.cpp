// Seed scenario 2's hop between hosts, timed: a port change on host A to the tick that commits
// it on host B, through a real three-member etcd cluster (tests/support/etcd_cluster.hpp).
// A and B are real mirarid processes running the cluster plugin: A exports routes.desired,
// B imports it (and publishes cluster.a.routes.desired). Each round sets A's routes.desired
// through A's control socket, with the route's metric set to the round's number, and waits for
// B's control-socket `watch` of cluster.a.routes.desired (as mirarictl holds it, read by a
// thread of the benchmark that stamps each response on arrival) to show that metric.
//
// What a round includes: A's control socket reading the request and writing the port, A's
// tick, the plugin's effect handing the record to its exporter thread, the HTTP put to etcd
// member 0 and its raft commit (replicated to a second member and written to disk by each),
// etcd's watch event to B's importer on member 0, B reading and checking the record, B's tick,
// and B's control socket writing the change to the benchmark. The clock starts before A's
// request is sent and stops when B's response is read: both ends are the benchmark's.
//
// The baseline, in the same run and through the same member: the floor Mirari cannot beat, a
// bare put of A's own record (the same bytes) to a key of its own with the plugin's EtcdClient,
// and the watch event for it reaching another EtcdClient watching that key's prefix (put sent
// → event read). Rounds of the two alternate.
//
// BM_ChangeToTick counters: ab_median_us, ab_p99_us (A's change → B's committed tick),
// etcd_median_us, etcd_p99_us (put → watch event), ab_x_etcd (the medians' ratio),
// mirari_median_us (ab_median_us - etcd_median_us: what Mirari adds), load1 (the machine's
// one-minute load average at the end). 200 rounds of each: the p99 is the third-largest.
#include <benchmark/benchmark.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "cluster_host.hpp"
#include "etcd_client.hpp"
#include "etcd_cluster.hpp"
#include "etcd_messages.hpp"
#include "samples.hpp"

namespace {

using mirari::bench::ClusterHost;
using mirari::bench::micros;
using mirari::bench::quantile;
using mirari::bench::WatchStream;
using mirari::cluster::EtcdClient;
using nlohmann::json;
using Clock = std::chrono::steady_clock;

constexpr int kWarmup = 10;
constexpr auto kRoundDeadline = std::chrono::seconds(10);
constexpr const char* kFloorPrefix = "/bench-floor/";

json routes(std::uint32_t metric) {
  return json{{"B",
               {{"routes",
                 {{{"prefix", "198.51.100.0/24"},
                   {"via", "192.0.2.1"},
                   {"device", ""},
                   {"metric", metric}}}},
                {"announce", json::array()}}}};
}

// The metric of router B's first route in a response of the watch: the whole table first,
// then {"changed": {...}, "removed": [...]}.
std::optional<std::uint32_t> metric_in(const json& line) {
  const json& table = line.contains("changed") ? line["changed"] : line;
  if (!table.contains("B")) return std::nullopt;
  const json& list = table["B"]["routes"];
  if (list.empty()) return std::nullopt;
  return list[0]["metric"].get<std::uint32_t>();
}

// A's change to B's tick showing metric: the time from sent to B's response.
double a_to_b(const ClusterHost& a, WatchStream& watch, std::uint32_t metric) {
  const auto sent = Clock::now();
  a.request({{"cmd", "set"}, {"port", "routes.desired"}, {"value", routes(metric)}});
  const auto deadline = sent + kRoundDeadline;
  while (Clock::now() < deadline) {
    for (const auto& line : watch.drain()) {
      if (metric_in(line.value) == metric) return micros(line.at - sent);
    }
    std::this_thread::sleep_for(std::chrono::microseconds(200));
  }
  throw std::runtime_error("B did not commit A's change " + std::to_string(metric));
}

// A bare watch of the floor's prefix on a thread of its own, stamping each event's key.
class FloorWatch {
 public:
  explicit FloorWatch(const std::vector<std::string>& endpoints)
      : client_(endpoints, std::chrono::seconds(5)) {
    thread_ = std::thread([this] {
      try {
        client_.stream("/v3/watch", mirari::cluster::watch_request(kFloorPrefix, 0),
                       [this](std::string_view message) {
                         const auto at = Clock::now();
                         const auto answer = mirari::cluster::parse_watch(message);
                         if (answer.created) created_ = true;
                         std::lock_guard lock(mutex_);
                         for (const auto& event : answer.events)
                           seen_.push_back({event.kv.key, at});
                         return true;
                       });
      } catch (const std::exception&) {
        // Stopped.
      }
    });
  }
  ~FloorWatch() {
    client_.stop();
    thread_.join();
  }
  bool created() const { return created_; }
  std::optional<Clock::time_point> seen(const std::string& key) {
    std::lock_guard lock(mutex_);
    for (const auto& [k, at] : seen_) {
      if (k == key) return at;
    }
    return std::nullopt;
  }

 private:
  EtcdClient client_;
  std::atomic<bool> created_{false};
  std::mutex mutex_;
  std::vector<std::pair<std::string, Clock::time_point>> seen_;
  std::thread thread_;
};

double floor_round(EtcdClient& writer, FloorWatch& watch, const std::string& value, int round) {
  const std::string key = kFloorPrefix + std::to_string(round);
  const auto sent = Clock::now();
  mirari::cluster::parse_revision(
      writer.call("/v3/kv/put", mirari::cluster::put_request(key, value, 0)));
  const auto deadline = sent + kRoundDeadline;
  while (Clock::now() < deadline) {
    if (auto at = watch.seen(key)) return micros(*at - sent);
    std::this_thread::sleep_for(std::chrono::microseconds(200));
  }
  throw std::runtime_error("the bare watch did not see " + key);
}

void run(benchmark::State& state) {
  const auto rounds = static_cast<int>(state.range(0));
  mirari::testing::EtcdCluster etcd;
  // Both hosts (and the floor's two clients) talk to member 0 first.
  ClusterHost a(etcd, "a", "export = [\"routes.desired\"]\n");
  ClusterHost b(etcd, "b", "import = [\"routes.desired\"]\nhosts = [\"a\"]\n");
  std::vector<double> ab, floor;
  {
    WatchStream watch(b, "cluster.a.routes.desired");
    for (int i = 1; i <= kWarmup; ++i) a_to_b(a, watch, static_cast<std::uint32_t>(i));

    // The floor's value: A's record as it sits in etcd.
    EtcdClient writer(etcd.endpoints(), std::chrono::seconds(5));
    const auto record = mirari::cluster::parse_range(writer.call(
        "/v3/kv/range", mirari::cluster::range_request("/mirari/bench/hosts/a/ports/")));
    if (record.kvs.size() != 1) throw std::runtime_error("A's record is not in etcd");
    const std::string value = record.kvs[0].value;
    FloorWatch floor_watch(etcd.endpoints());
    if (!mirari::testing::eventually([&] { return floor_watch.created(); })) {
      throw std::runtime_error("the bare watch did not start");
    }
    for (int i = 0; i < kWarmup; ++i) floor_round(writer, floor_watch, value, -1 - i);

    for (auto _ : state) {
      for (int round = 0; round < rounds; ++round) {
        ab.push_back(a_to_b(a, watch, static_cast<std::uint32_t>(kWarmup + 1 + round)));
        floor.push_back(floor_round(writer, floor_watch, value, round));
      }
    }
    state.counters["record_bytes"] = static_cast<double>(value.size());
    b.kill();  // ends the watch's connection, so its thread ends
  }
  state.counters["ab_median_us"] = quantile(ab, 0.5);
  state.counters["ab_p99_us"] = quantile(ab, 0.99);
  state.counters["etcd_median_us"] = quantile(floor, 0.5);
  state.counters["etcd_p99_us"] = quantile(floor, 0.99);
  state.counters["ab_x_etcd"] = quantile(ab, 0.5) / quantile(floor, 0.5);
  state.counters["mirari_median_us"] = quantile(ab, 0.5) - quantile(floor, 0.5);
  state.counters["load1"] = mirari::bench::load_average();
}

// A failure is the benchmark's error, so that the hosts and etcd members are stopped and their
// directories removed whatever failed.
void BM_ChangeToTick(benchmark::State& state) {
  mirari::bench::run_or_skip(state, run);
}

}  // namespace

BENCHMARK(BM_ChangeToTick)->Arg(200)->Iterations(1)->Unit(benchmark::kMillisecond);
