// Leader failover, timed: three real mirarid hosts stand for the role "placement" through a
// real three-member etcd cluster; the leader's mirarid is killed (SIGKILL, so it cannot revoke
// its lease), and the clock runs until the next host publishes itself as
// cluster.leader.placement, read from its control-socket `watch` as mirarictl holds it
// (stamped on arrival by a thread of the benchmark). The killed host is then started again
// (it stands behind the others) and the next repetition kills whoever leads.
//
// A killed leader's candidacy goes when its lease expires: the lease was last renewed up to
// ttl/3 before the kill (the plugin renews every ttl/3), so it expires between 2/3 ttl and ttl
// after it, then etcd's lessor notices (it checks every 500 ms), revokes it through raft, and
// the deletion reaches the next candidate's watch and tick. Each kill waits a random part of
// ttl/3 first, so the kills fall anywhere in the renewal cycle rather than always just after a
// renewal. The figure is bounded by the TTL, not by Mirari: failover_x_ttl says how much of
// the TTL it takes.
//
// BM_LeaderFailover/TTL counters: failover_median_ms, failover_min_ms, failover_max_ms
// (kill → the next leader's own port naming it), others_median_ms (→ the third host's port
// naming the same leader), failover_x_ttl (median / TTL), repetitions, load1.
#include <benchmark/benchmark.h>

#include <chrono>
#include <memory>
#include <optional>
#include <random>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "cluster_host.hpp"
#include "etcd_cluster.hpp"
#include "samples.hpp"

namespace {

using mirari::bench::ClusterHost;
using mirari::bench::WatchStream;
using nlohmann::json;
using Clock = std::chrono::steady_clock;

constexpr int kHosts = 3;

double millis(Clock::duration d) {
  return std::chrono::duration<double, std::milli>(d).count();
}

void run(benchmark::State& state) {
  const std::int64_t ttl = state.range(0);
  const auto repetitions = static_cast<int>(state.range(1));
  mirari::testing::EtcdCluster etcd;
  std::vector<std::unique_ptr<ClusterHost>> hosts;
  for (int i = 0; i < kHosts; ++i) {
    hosts.push_back(std::make_unique<ClusterHost>(etcd, "h" + std::to_string(i),
                                                  "roles = [\"placement\"]\n", ttl));
  }
  auto leader_at = [&](const ClusterHost& host) {
    return host.request({{"cmd", "get"}, {"port", "cluster.leader.placement"}})["host"]
        .get<std::string>();
  };
  // Every host stands and names the same leader.
  auto settled = [&] {
    const std::string first = leader_at(*hosts[0]);
    if (first.empty()) return false;
    for (const auto& host : hosts) {
      if (leader_at(*host) != first) return false;
    }
    std::istringstream keys(
        etcd.ctl({"get", "--prefix", "--keys-only", "/mirari/bench/election/placement/"}));
    int candidacies = 0;
    for (std::string key; std::getline(keys, key);)
      candidacies += key.rfind("/mirari/", 0) == 0 ? 1 : 0;
    return candidacies == kHosts;
  };
  std::mt19937 random(14);
  std::uniform_int_distribution<std::int64_t> delay_ms(0, ttl * 1000 / 3);
  std::vector<double> failover, others;
  for (auto _ : state) {
    for (int rep = 0; rep < repetitions; ++rep) {
      if (!mirari::testing::eventually(settled, std::chrono::seconds(ttl * 3))) {
        throw std::runtime_error("the hosts do not agree on a leader");
      }
      const std::string old = leader_at(*hosts[0]);
      ClusterHost* victim = nullptr;
      std::vector<ClusterHost*> rest;
      std::vector<std::unique_ptr<WatchStream>> watches;
      for (const auto& host : hosts) {
        if (host->name() == old) {
          victim = host.get();
        } else {
          rest.push_back(host.get());
          watches.push_back(std::make_unique<WatchStream>(*host, "cluster.leader.placement"));
        }
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms(random)));
      const auto killed = Clock::now();
      victim->kill();
      // For each survivor: when its port first named a new leader, and which.
      std::vector<std::optional<std::pair<Clock::time_point, std::string>>> named(rest.size());
      const auto deadline = killed + std::chrono::seconds(ttl * 3);
      auto all_named = [&] {
        for (const auto& n : named) {
          if (!n) return false;
        }
        return true;
      };
      while (!all_named() && Clock::now() < deadline) {
        for (std::size_t i = 0; i < rest.size(); ++i) {
          for (const auto& line : watches[i]->drain()) {
            const std::string host = line.value["host"];
            if (!named[i] && !host.empty() && host != old) named[i] = {line.at, host};
          }
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
      }
      if (!all_named()) throw std::runtime_error("no host took over from " + old);
      const std::string next = named[0]->second;
      if (named[1]->second != next)
        throw std::runtime_error("the survivors disagree on the leader");
      const std::size_t self = rest[0]->name() == next ? 0 : 1;
      failover.push_back(millis(named[self]->first - killed));
      others.push_back(millis(named[1 - self]->first - killed));
      watches.clear();
      victim->restart();
    }
  }
  state.counters["failover_median_ms"] = mirari::bench::quantile(failover, 0.5);
  state.counters["failover_min_ms"] = mirari::bench::quantile(failover, 0);
  state.counters["failover_max_ms"] = mirari::bench::quantile(failover, 1);
  state.counters["others_median_ms"] = mirari::bench::quantile(others, 0.5);
  state.counters["failover_x_ttl"] =
      mirari::bench::quantile(failover, 0.5) / (1000.0 * static_cast<double>(ttl));
  state.counters["repetitions"] = static_cast<double>(failover.size());
  state.counters["load1"] = mirari::bench::load_average();
}

void BM_LeaderFailover(benchmark::State& state) {
  mirari::bench::run_or_skip(state, run);
}

}  // namespace

BENCHMARK(BM_LeaderFailover)
    ->Args({10, 5})
    ->Args({2, 5})
    ->ArgNames({"ttl", "repetitions"})
    ->Iterations(1)
    ->Unit(benchmark::kMillisecond);
