// Reloads under load: 200 reloads of a plugin while inputs stream in lose no input, leave its
// subscribers without a gap, and leave no library mapped behind.
#include <atomic>
#include <catch2/catch.hpp>
#include <fstream>
#include <set>
#include <thread>

#include "control_client.hpp"
#include "daemon.hpp"

using mirari::host::ControlClient;
using mirari::test::Daemon;
using mirari::test::eventually;
using mirari::test::kWatchNothing;
using nlohmann::json;

namespace {

// Private copies of the counter plugin mapped into process pid. PluginLibrary removes each
// copy's file once it is mapped, so they show as "(deleted)".
std::set<std::string> mapped_counter_copies(pid_t pid) {
  std::ifstream maps("/proc/" + std::to_string(pid) + "/maps");
  std::set<std::string> copies;
  for (std::string line; std::getline(maps, line);) {
    const auto at = line.find("/run/loaded-copies/counter.");
    if (at != std::string::npos) copies.insert(line.substr(at));
  }
  return copies;
}

}  // namespace

TEST_CASE("200 reloads under a steady input stream lose no input and leak no library") {
  Daemon daemon(
      {.config =
           std::string(kWatchNothing) + "[plugins.pulse]\n[plugins.counter]\n[plugins.recorder]\n",
       .plugins = {{"pulse.so", "pulse"}, {"counter.so", "counter"}, {"recorder.so", "recorder"}}});
  for (const auto& copy : mapped_counter_copies(daemon.pid())) {
    CHECK(copy.ends_with(".so (deleted)"));
  }

  std::atomic<bool> streaming{true};
  std::atomic<std::int64_t> sent{0};
  std::atomic<std::int64_t> refused{0};
  // Inputs are sent in pipelined bursts, so that many land between two reloads.
  std::thread stream([&] {
    constexpr int kBurst = 50;
    std::string burst;
    for (int i = 0; i < kBurst; ++i)
      burst += R"({"cmd":"emit","port":"counter.ticks","value":1})"
               "\n";
    ControlClient client(daemon.socket());
    while (streaming) {
      client.send_line(burst);
      for (int i = 0; i < kBurst; ++i) (client.next()->value("ok", false) ? sent : refused)++;
    }
  });

  constexpr int kBetween = 20;
  ControlClient control(daemon.socket());
  std::size_t baseline = 0;
  int failed = 0;
  for (int i = 1; i <= 200; ++i) {
    // At least kBetween inputs are sent between two reloads.
    const std::int64_t due = sent + kBetween;
    REQUIRE(eventually([&] { return sent >= due; }));
    if (control.call({{"cmd", "reload"}, {"name", "counter"}})["ok"] != true) ++failed;
    if (i == 2) {
      // The first copy stays mapped for good: it built the counter's ports, which outlive it.
      REQUIRE(eventually([&] { return mapped_counter_copies(daemon.pid()).size() == 2; }));
      baseline = 2;
    }
  }
  streaming = false;
  stream.join();

  CHECK(failed == 0);
  CHECK(refused == 0);
  INFO("inputs sent: " << sent.load());
  CHECK(sent >= 200 * kBetween);
  CHECK(eventually([&] { return daemon.port("counter.count") == json(sent.load()); }));
  CHECK(daemon.port("recorder.gaps") == json(0));
  CHECK(daemon.port("recorder.last") == json(sent.load()));
  CHECK(daemon.request({{"cmd", "plugins"}})["result"][1]["reloads"] == 200);
  CHECK(eventually([&] { return mapped_counter_copies(daemon.pid()).size() == baseline; }));
}
