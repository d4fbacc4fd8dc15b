// A soak run of a real mirarid, bounded in time: many clients send random control commands,
// inputs, watches, loads, unloads and reloads at once; at the end every invariant must hold:
// no input lost (the counter counted every tick it was sent), no gap in what a subscriber saw
// across the reloads, resident memory flat, and no descriptor leaked.
//
//   mirari_soak [MINUTES]     (scripts/soak builds and runs it; not part of CTest)
#include <signal.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "control_client.hpp"
#include "daemon.hpp"

namespace fs = std::filesystem;
using mirari::host::ControlClient;
using mirari::test::Daemon;
using mirari::test::eventually;
using nlohmann::json;

namespace {

long resident_kib(pid_t pid) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  for (std::string line; std::getline(status, line);) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
  }
  return -1;
}

std::size_t open_descriptors(pid_t pid) {
  std::size_t n = 0;
  for ([[maybe_unused]] const auto& entry :
       fs::directory_iterator("/proc/" + std::to_string(pid) + "/fd")) {
    ++n;
  }
  return n;
}

struct Totals {
  std::atomic<std::int64_t> ticks_sent{0};
  std::atomic<std::int64_t> commands{0};
  std::atomic<std::int64_t> refused{0};
  std::atomic<std::int64_t> reloads{0};
  std::atomic<std::int64_t> unloads{0};
  std::atomic<std::int64_t> loads{0};
  std::atomic<std::int64_t> watches{0};
  std::atomic<std::int64_t> broken{0};  // connections that failed: none expected
};

json call(ControlClient& client, json request, Totals& totals) {
  const json response = client.call(std::move(request));
  ++totals.commands;
  if (!response.value("ok", false)) ++totals.refused;
  return response;
}

// One client's random walk through the protocol until deadline.
void client_loop(const Daemon& daemon, unsigned seed, std::chrono::steady_clock::time_point until,
                 Totals& totals) {
  std::mt19937 random(seed);
  const auto pick = [&](int n) { return static_cast<int>(random() % static_cast<unsigned>(n)); };
  while (std::chrono::steady_clock::now() < until) {
    try {
      ControlClient client(daemon.socket());
      for (int i = 0; i < 50 && std::chrono::steady_clock::now() < until; ++i) {
        switch (pick(12)) {
          case 0:
          case 1:
          case 2: {  // a pipelined burst of ticks, each counted once answered
            const int burst = 1 + pick(40);
            std::string lines;
            for (int k = 0; k < burst; ++k) {
              lines += R"({"id": 0, "cmd": "emit", "port": "counter.ticks", "value": 1})"
                       "\n";
            }
            client.send_line(lines);
            for (int k = 0; k < burst; ++k) {
              const auto response = client.next();
              if (!response) throw std::runtime_error("connection closed");
              if (response->value("ok", false)) ++totals.ticks_sent;
            }
            totals.commands += burst;
            break;
          }
          case 3:
            call(client, {{"cmd", "set"}, {"port", "pulse.level"}, {"value", pick(1000)}}, totals);
            break;
          case 4:
            call(client, {{"cmd", "emit"}, {"port", "extra.ticks"}, {"value", 1}}, totals);
            break;
          case 5: {
            static const char* reads[] = {"status", "ports",   "nodes",
                                          "stats",  "metrics", "plugins"};
            call(client, {{"cmd", reads[pick(6)]}}, totals);
            break;
          }
          case 6:
            call(client, {{"cmd", "get"}, {"port", "counter.count"}}, totals);
            break;
          case 7: {  // a watch on a connection of its own, dropped after a few changes
            ControlClient watcher(daemon.socket());
            watcher.send_line(R"({"id": 1, "cmd": "watch", "port": "counter.count"})"
                              "\n");
            for (int k = 0, n = pick(3); k <= n; ++k) {
              if (!watcher.next()) break;
            }
            ++totals.watches;
            break;
          }
          case 8:
            if (pick(4) == 0) {
              ++totals.reloads;
              call(client, {{"cmd", "reload"}, {"name", "counter"}}, totals);
            }
            break;
          case 9:
            ++totals.unloads;
            call(client, {{"cmd", "unload"}, {"name", "extra"}}, totals);
            break;
          case 10:
            ++totals.loads;
            call(client,
                 {{"cmd", "load"},
                  {"path", (daemon.plugin_dir() / "counter.so").string()},
                  {"name", "extra"}},
                 totals);
            break;
          default:
            call(client, {{"cmd", "graph"}, {"dot", pick(2) == 0}}, totals);
        }
      }
    } catch (const std::exception& e) {
      ++totals.broken;
      std::cerr << "soak client " << seed << ": " << e.what() << '\n';
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  const double minutes = argc > 1 ? std::atof(argv[1]) : 3.0;
  if (minutes <= 0) {
    std::cerr << "usage: mirari_soak [MINUTES]\n";
    return 2;
  }
  constexpr int kClients = 8;
  Daemon daemon(
      {.config = std::string(mirari::test::kWatchNothing) + R"(
[plugins.pulse]
[plugins.counter]
[plugins.recorder]
[plugins.extra]
file = "counter.so"
input = "extra.ticks"
output = "extra.count"
)",
       .plugins = {{"pulse.so", "pulse"}, {"counter.so", "counter"}, {"recorder.so", "recorder"}}});
  Totals totals;
  // A first short round sets the allocator's working set; memory and descriptors are
  // measured from its end.
  const auto round = [&](std::chrono::milliseconds length) {
    const auto until = std::chrono::steady_clock::now() + length;
    std::vector<std::thread> clients;
    for (int i = 0; i < kClients; ++i) {
      clients.emplace_back(
          [&, i] { client_loop(daemon, static_cast<unsigned>(i + 1), until, totals); });
    }
    for (auto& client : clients) client.join();
  };
  const auto settled = [&] {
    return eventually([&] {
      return daemon.port("counter.count") == json(totals.ticks_sent.load()) &&
             daemon.request({{"cmd", "plugins"}})["result"].size() >= 3;
    });
  };
  round(std::chrono::milliseconds(static_cast<long>(minutes * 60000 / 10)));
  const bool first_settled = settled();
  const long rss_before = resident_kib(daemon.pid());
  const std::size_t fds_before = open_descriptors(daemon.pid());
  round(std::chrono::milliseconds(static_cast<long>(minutes * 60000 * 9 / 10)));
  const bool all_counted = settled();
  // Whatever the last client did to 'extra', load it again so the same instances run.
  daemon.request({{"cmd", "load"},
                  {"path", (daemon.plugin_dir() / "counter.so").string()},
                  {"name", "extra"}});
  eventually([&] { return open_descriptors(daemon.pid()) <= fds_before; });
  const long rss_after = resident_kib(daemon.pid());
  const std::size_t fds_after = open_descriptors(daemon.pid());
  const auto count = daemon.port("counter.count");
  const auto gaps = daemon.port("recorder.gaps");

  std::cout << "soak: " << minutes << " min, " << kClients << " clients, " << totals.commands
            << " commands (" << totals.refused << " refused), " << totals.reloads << " reloads, "
            << totals.loads << " loads, " << totals.unloads << " unloads, " << totals.watches
            << " watches\n"
            << "inputs: " << totals.ticks_sent << " sent, " << count.value_or(json()).dump()
            << " committed; subscriber gaps: " << gaps.value_or(json()).dump() << '\n'
            << "resident memory: " << rss_before << " KiB -> " << rss_after << " KiB; "
            << "descriptors: " << fds_before << " -> " << fds_after
            << "; broken connections: " << totals.broken << '\n';
  bool ok = first_settled && all_counted && count == json(totals.ticks_sent.load()) &&
            gaps == json(0) && totals.broken == 0 && fds_after <= fds_before &&
            rss_after <= rss_before + rss_before / 10 && daemon.running();
  std::cout << (ok ? "soak: every invariant holds\n" : "soak: FAILED\n");
  return ok ? 0 : 1;
}
