// The plugin manager's load, reload, rollback and unload paths, in process: the test's thread
// is the graph's thread, runs the ticks and the io_context itself, and looks at the graph and
// the manager directly between steps. The end-to-end tests (plugin_*_test.cpp) drive the
// same paths through a real mirarid; these pin down what each step leaves behind.
#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <string>

#include "graph_loop.hpp"
#include "logging.hpp"
#include "plugin_executor.hpp"
#include "plugin_manager.hpp"
#include "temp_dir.hpp"

namespace fs = std::filesystem;
using mirari::host::CrashMarker;
using mirari::host::Origin;
using mirari::host::PluginError;
using mirari::host::PluginHeldOut;
using mirari::host::PluginManager;
using mirari::host::PluginTable;
using nlohmann::json;

namespace {

fs::path plugin(const std::string& name) {
  return fs::path(MIRARI_TEST_PLUGIN_DIR) / (name + ".so");
}

class Manager {
 public:
  Manager()
      : manager_(
            loop_.graph(), strand_, workers_, work_, logging_,
            PluginManager::Settings{dir_.path() / "private", dir_.path() / "crash.json", false},
            [this](const std::string& instance) -> const PluginTable* {
              auto found = tables_.find(instance);
              return found == tables_.end() ? nullptr : &found->second;
            }) {}

  ~Manager() {
    bool done = false;
    manager_.unload_all([&] { done = true; });
    loop_.run_until([&] { return done; });
    workers_.join();
  }

  PluginManager& operator*() noexcept { return manager_; }
  PluginManager* operator->() noexcept { return &manager_; }
  mirari::Graph& graph() noexcept { return loop_.graph(); }

  // The configuration table an instance is (re)loaded with from now on.
  void configure(const std::string& instance, const std::string& file, toml::table values = {}) {
    tables_[instance] = PluginTable{instance, plugin(file), std::move(values), {}, {}};
  }
  void emit(const std::string& port, int times) {
    for (int i = 0; i < times; ++i) {
      graph().write_port_json(port, "1");
      loop_.settle();
    }
  }
  json port(const std::string& name) { return json::parse(graph().port_json(name)); }
  // Runs the io_context and ticks until retired instances are released.
  bool drained() {
    return run_until([&] { return manager_.retiring() == 0; });
  }
  template <class Done>
  bool run_until(Done done) {
    return loop_.run_until(done);
  }

 private:
  mirari::testing::TempDir dir_;
  mirari::testing::GraphLoop loop_;
  boost::asio::strand<boost::asio::io_context::executor_type> strand_{
      boost::asio::make_strand(loop_.io())};
  boost::asio::thread_pool workers_{1};
  mirari::host::WorkRegistry work_;
  mirari::host::Logging logging_{spdlog::level::off};
  std::map<std::string, PluginTable> tables_;
  PluginManager manager_;
};

// Whether this process maps a private copy of the plugin file named stem.
bool mapped(const std::string& stem) {
  std::ifstream maps("/proc/self/maps");
  for (std::string line; std::getline(maps, line);) {
    if (line.find("/" + stem + ".") != std::string::npos) return true;
  }
  return false;
}

std::vector<std::string> listed(const PluginManager& manager) {
  std::vector<std::string> names;
  for (const auto& entry : manager.list()) names.push_back(entry.instance->name());
  return names;
}

}  // namespace

TEST_CASE("a load starts the instance in one step, with its table's values") {
  Manager manager;
  toml::table values{{"output", "counted"}};
  manager.configure("counter", "counter", values);
  const auto& instance = manager->load(plugin("counter"), "", Origin::config);

  CHECK(instance.name() == "counter");
  CHECK(std::string(instance.descriptor().version) == "1.0.0");
  CHECK(listed(*manager) == std::vector<std::string>{"counter"});
  manager.emit("counter.ticks", 3);
  CHECK(manager.port("counted") == 3);
  CHECK(manager.port("counted.code") == "v1");
}

TEST_CASE("a load refused by the plugin's configure leaves no instance, owner or port") {
  Manager manager;
  const auto ports_before = manager.graph().ports().size();
  const auto nodes_before = manager.graph().node_count();
  manager.configure("counter", "counter", toml::table{{"input", "same"}, {"output", "same"}});

  REQUIRE_THROWS_WITH(manager->load(plugin("counter"), "", Origin::config),
                      Catch::Contains("input and output must be different ports"));
  CHECK(manager->list().empty());
  CHECK(manager.graph().ports().size() == ports_before);
  CHECK(manager.graph().node_count() == nodes_before);
  CHECK(manager.drained());
}

TEST_CASE("a second instance of one name is refused and the first keeps running") {
  Manager manager;
  manager->load(plugin("counter"), "", Origin::config);
  manager.emit("counter.ticks", 2);
  REQUIRE_THROWS_AS(manager->load(plugin("counter"), "", Origin::control), PluginError);
  CHECK(listed(*manager) == std::vector<std::string>{"counter"});
  manager.emit("counter.ticks", 1);
  CHECK(manager.port("counter.count") == 3);
}

TEST_CASE("a reload carries the snapshot into new code and releases the old copy once quiet") {
  Manager manager;
  manager->load(plugin("counter"), "", Origin::config);
  manager.emit("counter.ticks", 4);

  manager.configure("counter", "counter-v2");
  const auto& next = manager->reload("counter");
  CHECK(std::string(next.descriptor().version) == "2.0.0");
  CHECK(next.reloads() == 1);
  // The swap committed in the reload's own step: the port holds the carried count and the
  // new code's label before any input.
  CHECK(manager.port("counter.count") == 4);
  CHECK(manager.port("counter.count.code") == "v2");
  CHECK(manager.drained());

  manager.emit("counter.ticks", 1);
  CHECK(manager.port("counter.count") == 5);
  CHECK(listed(*manager) == std::vector<std::string>{"counter"});
}

TEST_CASE("a reload whose new copy fails to start rolls back: the old instance runs on") {
  Manager manager;
  manager->load(plugin("counter"), "", Origin::config);
  manager.emit("counter.ticks", 2);
  const auto nodes_before = manager.graph().node_count();

  manager.configure("counter", "counter-broken");
  REQUIRE_THROWS_WITH(manager->reload("counter"),
                      Catch::Contains("this counter build refuses to start"));
  CHECK(manager.graph().node_count() == nodes_before);
  CHECK(manager.port("counter.count.code") == "v1");
  CHECK(std::string(manager->find("counter")->descriptor().version) == "1.0.0");
  CHECK(manager.drained());

  manager.emit("counter.ticks", 1);
  CHECK(manager.port("counter.count") == 3);
}

TEST_CASE("a prepared instance that is discarded changes nothing") {
  Manager manager;
  manager->load(plugin("counter"), "", Origin::config);
  manager.emit("counter.ticks", 1);

  auto prepared =
      manager->prepare(PluginTable{"counter", plugin("counter-v2"), {}, {}, {}}, Origin::config);
  REQUIRE(prepared != nullptr);
  manager->discard(std::move(prepared));
  CHECK(manager.drained());
  CHECK(manager.port("counter.count.code") == "v1");
  manager.emit("counter.ticks", 1);
  CHECK(manager.port("counter.count") == 2);
}

TEST_CASE("prepare refuses a different plugin under a running instance's name") {
  Manager manager;
  manager->load(plugin("counter"), "", Origin::config);
  REQUIRE_THROWS_AS(
      manager->prepare(PluginTable{"counter", plugin("pulse"), {}, {}, {}}, Origin::config),
      PluginError);
  CHECK(manager.drained());
  CHECK(manager.port("counter.count.code") == "v1");
}

TEST_CASE("an unload removes the instance's nodes; its ports keep their last value") {
  Manager manager;
  manager->load(plugin("counter"), "", Origin::config);
  manager.emit("counter.ticks", 2);

  bool done = false;
  std::string error = "not called";
  manager->unload("counter", [&](const std::string& e) {
    error = e;
    done = true;
  });
  // done is called once the instance is quiet and its nodes are gone.
  CHECK(manager.run_until([&] { return done; }));
  CHECK(error.empty());
  CHECK(manager->list().empty());
  CHECK(manager.port("counter.count") == 2);
  REQUIRE_THROWS_AS(manager->unload("counter", [](const std::string&) {}), PluginError);
}

TEST_CASE("a held-out instance loads only when an operator asks, which ends the hold") {
  Manager manager;
  manager->hold_out(CrashMarker{"counter", "counter", "1.0.0", plugin("counter"), 11});

  REQUIRE_THROWS_AS(manager->load(plugin("counter"), "", Origin::config), PluginHeldOut);
  REQUIRE_THROWS_AS(manager->load(plugin("counter"), "", Origin::directory), PluginHeldOut);
  CHECK(manager->list().empty());

  manager->load(plugin("counter"), "", Origin::control);
  CHECK(!manager->held_out().has_value());
  CHECK(listed(*manager) == std::vector<std::string>{"counter"});
}

TEST_CASE("an unloaded plugin's code stays mapped until the worker pool that ran its I/O is gone") {
  mirari::testing::TempDir dir;
  const fs::path marker = dir.path() / "marker";
  {
    Manager manager;
    manager.configure("service-maker", "service-maker", toml::table{{"marker", marker.string()}});
    manager->load(plugin("service-maker"), "", Origin::config);
    bool done = false;
    manager->unload("service-maker", [&](const std::string&) { done = true; });
    REQUIRE(manager.run_until([&] { return done; }));
    CHECK(manager.drained());
    // The instance is gone, but the pool holds the Asio service it made, whose code is the
    // library's.
    CHECK(mapped("service-maker"));
    CHECK_FALSE(fs::exists(marker));
  }
  // The pool shut the service down, running the library's code, and only then let it go.
  CHECK(fs::exists(marker));
  CHECK_FALSE(mapped("service-maker"));
}
