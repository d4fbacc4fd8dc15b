// The load monitor as mirarid runs it, through the SDK's plugin harness: reports sent on a
// real datagram socket, a real busy process sampled from /proc, bad configuration, stop.
#include <catch2/catch.hpp>

#include <stdlib.h>
#include <sys/stat.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>

#include <boost/asio/io_context.hpp>
#include <boost/asio/local/datagram_protocol.hpp>

#include "child_process.hpp"
#include "load_monitor_plugin.hpp"
#include "mirari/testing.hpp"
#include "temp_dir.hpp"

using mirari::ConfigValue;
using mirari::load::InstanceReports;
using mirari::load::LoadByInstance;
using mirari::load::LoadMonitorPlugin;
using mirari::load::LoadSample;
using mirari::testing::ChildProcess;
using mirari::testing::PluginHarness;
using mirari::testing::TempDir;
namespace fs = std::filesystem;

namespace {

constexpr std::chrono::seconds kDeadline{10};

// What an instance does: one datagram per report.
class Reporter {
 public:
  explicit Reporter(const fs::path& socket) : socket_(io_), to_(socket.native()) { socket_.open(); }
  void send(const std::string& datagram) { socket_.send_to(boost::asio::buffer(datagram), to_); }

 private:
  boost::asio::io_context io_;
  boost::asio::local::datagram_protocol::socket socket_;
  boost::asio::local::datagram_protocol::endpoint to_;
};

std::map<std::string, ConfigValue, std::less<>> at(const fs::path& socket) {
  return {{"socket", socket.string()}};
}

bool has(const LoadByInstance& loads, const std::string& instance) {
  return loads.contains(instance);
}

}  // namespace

TEST_CASE("reports sent to the socket show up in the ports") {
  TempDir dir;
  const fs::path socket = dir.path() / "run" / "load.sock";  // its directory is created
  PluginHarness h;
  h.start(std::make_unique<LoadMonitorPlugin>(),
          {{"socket", socket.string()}, {"window", std::int64_t{2}}});
  auto samples = h.record_each<LoadSample>("load.samples");
  REQUIRE(fs::is_socket(socket));
  struct stat st {};
  REQUIRE(::stat(socket.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);

  Reporter reporter(socket);
  reporter.send("web-1 load 0.5\nweb-1 queue 3\n");
  reporter.send("web-1 load 1.5\nweb-2 load 0.25\n");
  REQUIRE(h.settle_until([&] { return has(h.value<LoadByInstance>("load.by_instance"), "web-2"); },
                         kDeadline));
  CHECK(h.value<LoadByInstance>("load.by_instance") ==
        LoadByInstance{{"web-1", 1.0}, {"web-2", 0.25}});
  CHECK(h.value<double>("load.total") == Approx(1.25));
  CHECK(h.value<InstanceReports>("instances.reports") ==
        InstanceReports{{"web-1", {{"load", 1.5}, {"queue", 3}}}, {"web-2", {{"load", 0.25}}}});
  CHECK(*samples == std::vector<LoadSample>{{"web-1", "load", 0.5, LoadSample::Source::report},
                                            {"web-1", "queue", 3, LoadSample::Source::report},
                                            {"web-1", "load", 1.5, LoadSample::Source::report},
                                            {"web-2", "load", 0.25, LoadSample::Source::report}});
  CHECK(h.value<std::uint64_t>("load.rejected") == 0);
  CHECK(h.graph().port_json("load.by_instance") == R"({"web-1":1.0,"web-2":0.25})");
}

TEST_CASE("garbage on the socket is ignored and counted") {
  TempDir dir;
  const fs::path socket = dir.path() / "load.sock";
  PluginHarness h;
  h.start(std::make_unique<LoadMonitorPlugin>(), at(socket));
  Reporter reporter(socket);
  reporter.send("garbage");
  reporter.send(std::string("\0\xff\x01 load 1", 10));
  reporter.send("web-1 load high\nweb-1 load 0.5 extra\nweb-2 load 0.75\n");
  REQUIRE(h.settle_until([&] { return has(h.value<LoadByInstance>("load.by_instance"), "web-2"); },
                         kDeadline));
  CHECK(h.value<std::uint64_t>("load.rejected") == 4);
  CHECK(h.value<LoadByInstance>("load.by_instance") == LoadByInstance{{"web-2", 0.75}});

  // Still listening.
  reporter.send("web-3 load 0.1");
  REQUIRE(h.settle_until([&] { return has(h.value<LoadByInstance>("load.by_instance"), "web-3"); },
                         kDeadline));
}

TEST_CASE("a datagram the kernel cuts short loses only its cut line, counted as refused") {
  TempDir dir;
  const fs::path socket = dir.path() / "load.sock";
  PluginHarness h;
  h.start(std::make_unique<LoadMonitorPlugin>(), at(socket));
  // Lines that end at byte 16,360; the next one crosses the 16,384 bytes the monitor reads,
  // and what is read of it ("cut-short load 0.1234567") would still parse.
  std::string datagram;
  std::size_t instances = 0;
  for (int i = 10000; datagram.size() + 32 <= 16360; ++i, ++instances) {
    datagram += "w" + std::to_string(i) + " load 0.5\n";  // 16 bytes
  }
  datagram += std::string(16360 - datagram.size() - 8, 'p') + " load 1\n";
  ++instances;
  REQUIRE(datagram.size() == 16360);
  datagram += "cut-short load 0.123456789\n";
  Reporter reporter(socket);
  reporter.send(datagram);
  reporter.send("after load 0.25");
  REQUIRE(h.settle_until([&] { return has(h.value<LoadByInstance>("load.by_instance"), "after"); },
                         kDeadline));
  CHECK(h.value<std::uint64_t>("load.rejected") == 1);
  const LoadByInstance loads = h.value<LoadByInstance>("load.by_instance");
  CHECK_FALSE(loads.contains("cut-short"));
  CHECK(loads.size() == instances + 1);  // and "after"
}

TEST_CASE("a busy process instance gets a non-zero CPU share as its load") {
  TempDir dir;
  ChildProcess busy({"sh", "-c", "while :; do :; done"});
  PluginHarness h;
  auto config = at(dir.path() / "load.sock");
  config["processes"] = std::vector<std::string>{"busy:" + std::to_string(busy.pid())};
  config["sample_interval_ms"] = std::int64_t{100};
  h.start(std::make_unique<LoadMonitorPlugin>(), config);
  auto samples = h.record_each<LoadSample>("load.samples");

  REQUIRE(h.settle_until(
      [&] {
        const auto& loads = h.value<LoadByInstance>("load.by_instance");
        return has(loads, "busy") && loads.at("busy") > 0;
      },
      kDeadline));
  CHECK(h.value<InstanceReports>("instances.reports").at("busy").at("cpu") > 0);
  CHECK(h.value<double>("load.total") > 0);
  REQUIRE_FALSE(samples->empty());
  CHECK(samples->front().key == "cpu");
  CHECK(samples->front().source == LoadSample::Source::proc);
}

TEST_CASE("a process instance that ends leaves the load") {
  TempDir dir;
  PluginHarness h;
  auto config = at(dir.path() / "load.sock");
  {
    ChildProcess busy({"sh", "-c", "while :; do :; done"});
    config["processes"] = std::vector<std::string>{"busy:" + std::to_string(busy.pid())};
    config["sample_interval_ms"] = std::int64_t{50};
    h.start(std::make_unique<LoadMonitorPlugin>(), config);
    REQUIRE(h.settle_until([&] { return has(h.value<LoadByInstance>("load.by_instance"), "busy"); },
                           kDeadline));
  }  // killed and reaped
  REQUIRE(h.settle_until([&] { return h.value<LoadByInstance>("load.by_instance").empty(); },
                         kDeadline));
  CHECK(h.value<double>("load.total") == 0);
  CHECK(h.value<InstanceReports>("instances.reports").empty());
}

TEST_CASE("the socket file is removed at stop") {
  TempDir dir;
  const fs::path socket = dir.path() / "load.sock";
  PluginHarness h;
  h.start(std::make_unique<LoadMonitorPlugin>(), at(socket));
  REQUIRE(fs::exists(socket));
  h.stop();
  CHECK_FALSE(fs::exists(socket));
}

TEST_CASE("a stale socket is replaced, a file that is not a socket is left alone") {
  TempDir dir;
  const fs::path socket = dir.path() / "load.sock";
  {
    PluginHarness first;
    first.start(std::make_unique<LoadMonitorPlugin>(), at(socket));
    PluginHarness second;  // a crashed run's socket, or a reload's predecessor
    second.start(std::make_unique<LoadMonitorPlugin>(), at(socket));
    first.stop();
    CHECK(fs::is_socket(socket));  // not the first's any more: left for the second
    Reporter(socket).send("web-1 load 1");
    REQUIRE(second.settle_until(
        [&] { return has(second.value<LoadByInstance>("load.by_instance"), "web-1"); }, kDeadline));
  }
  std::ofstream(socket) << "precious";
  PluginHarness h;
  CHECK_THROWS_WITH(h.start(std::make_unique<LoadMonitorPlugin>(), at(socket)),
                    Catch::Contains("exists and is not a socket"));
  CHECK(h.graph().ports().empty());
  CHECK(fs::file_size(socket) == 8);
}

TEST_CASE("a bad configuration is refused with nothing half-applied") {
  TempDir dir;
  const fs::path socket = dir.path() / "load.sock";
  SECTION("an unparseable processes entry") {
    auto config = at(socket);
    config["processes"] = std::vector<std::string>{"web-1:1", "web-2=2"};
    PluginHarness h;
    CHECK_THROWS_WITH(h.start(std::make_unique<LoadMonitorPlugin>(), config),
                      Catch::Contains("processes entry 'web-2=2' is not \"name:pid\""));
    CHECK(h.graph().stats().nodes == 0);
    CHECK(h.graph().ports().empty());
  }
  SECTION("a window of 0") {
    auto config = at(socket);
    config["window"] = std::int64_t{0};
    PluginHarness h;
    CHECK_THROWS_WITH(h.start(std::make_unique<LoadMonitorPlugin>(), config),
                      "window must be between 1 and 10000 samples");
    CHECK(h.graph().stats().nodes == 0);
    CHECK(h.graph().ports().empty());
  }
  CHECK_FALSE(fs::exists(socket));
}

TEST_CASE("after a reload reports still arrive and the socket stays in place") {
  TempDir dir;
  const fs::path socket = dir.path() / "load.sock";
  PluginHarness h;
  h.start(std::make_unique<LoadMonitorPlugin>(), at(socket));
  h.reload(std::make_unique<LoadMonitorPlugin>());
  REQUIRE(fs::is_socket(socket));
  Reporter(socket).send("web-1 load 0.5");
  REQUIRE(h.settle_until([&] { return h.value<double>("load.total") == 0.5; }, kDeadline));
  h.stop();
  CHECK_FALSE(fs::exists(socket));
}

TEST_CASE("a reloaded load monitor keeps its averages, the latest reports and its counts") {
  TempDir dir;
  const fs::path socket = dir.path() / "load.sock";
  PluginHarness h;
  h.start(std::make_unique<LoadMonitorPlugin>(),
          {{"socket", socket.string()}, {"window", std::int64_t{3}}});
  Reporter reporter(socket);
  reporter.send("web-1 load 1\nweb-1 queue 7\n");
  reporter.send("web-1 load 2\nnot a report\n");
  REQUIRE(h.settle_until([&] { return h.value<double>("load.total") == 1.5; }, kDeadline));

  h.reload(std::make_unique<LoadMonitorPlugin>());
  CHECK(h.value<std::uint64_t>("load.rejected") == 1);
  CHECK(h.value<InstanceReports>("instances.reports") ==
        InstanceReports{{"web-1", {{"load", 2}, {"queue", 7}}}});
  reporter.send("web-1 load 3");
  // (1 + 2 + 3) / 3: the two samples from before the reload still count.
  REQUIRE(h.settle_until([&] { return h.value<double>("load.total") == 2.0; }, kDeadline));
  CHECK(h.value<LoadByInstance>("load.by_instance") == LoadByInstance{{"web-1", 2.0}});
}

TEST_CASE("the plugin library exports the load monitor") {
  TempDir dir;
  const fs::path socket = dir.path() / "load.sock";
  PluginHarness h;
  h.start_library(MIRARI_LOAD_MONITOR_SO, at(socket));
  Reporter(socket).send("web-1 load 0.5");
  REQUIRE(h.settle_until([&] { return h.value<double>("load.total") == 0.5; }, kDeadline));
  h.stop();
  CHECK(h.value<double>("load.total") == 0.5);  // the port keeps its last value
  CHECK_FALSE(fs::exists(socket));
}

TEST_CASE("reports read while a batch is on its way go in the next batch, together") {
  TempDir dir;
  const fs::path socket = dir.path() / "load.sock";
  PluginHarness h;
  h.start(std::make_unique<LoadMonitorPlugin>(), at(socket));
  auto batches = h.record<std::vector<LoadSample>>("load.samples");
  h.settle();
  Reporter reporter(socket);
  const auto read_one_wakeup = [&] {
    h.io().restart();
    REQUIRE(h.io().run_one_for(kDeadline) == 1);  // the socket's readiness: read and publish
  };

  reporter.send("web-1 load 1\n");
  read_one_wakeup();  // a batch goes to the graph; its tick has not run
  reporter.send("web-1 load 2\n");
  read_one_wakeup();
  reporter.send("web-1 load 3\n");
  read_one_wakeup();
  REQUIRE(h.settle_until([&] { return batches->size() == 2; }, kDeadline));
  h.settle();
  // Three wake-ups, two ticks: the first batch, then the two reports that waited for it.
  REQUIRE(batches->size() == 2);
  CHECK((*batches)[0] == std::vector<LoadSample>{{"web-1", "load", 1, LoadSample::Source::report}});
  CHECK((*batches)[1] == std::vector<LoadSample>{{"web-1", "load", 2, LoadSample::Source::report},
                                                 {"web-1", "load", 3, LoadSample::Source::report}});
  CHECK(h.value<LoadByInstance>("load.by_instance").at("web-1") == Approx(2.0));
}
