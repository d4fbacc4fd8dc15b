// Testing plugins without a daemon.
//
// A PluginHarness runs plugins in an in-process graph the way mirarid does — checked
// configuration, start in one step, ports, stop and removal — and lets a test drive inputs
// tick by tick:
//
//   mirari::testing::PluginHarness h;
//   auto load = h.input<double>("load.total");
//   h.start(std::make_unique<CpuScaler>(), {{"high", 0.8}});
//   load.set(0.9);
//   h.settle();
//   CHECK(h.value<int>("instances.desired") == 2);
//
// Everything runs on the calling thread: work a plugin posts to its executor, and the
// handlers of its I/O objects, run when the test calls settle() (or run_posted()), never
// behind its back.
#pragma once

#include <boost/asio/io_context.hpp>
#include <chrono>
#include <cstddef>
#include <deque>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "mirari/combinators.hpp"
#include "mirari/config.hpp"
#include "mirari/executor.hpp"
#include "mirari/graph.hpp"
#include "mirari/plugin.hpp"

namespace spdlog {
class logger;
}

namespace mirari {

namespace testing {

// An executor that runs nothing until asked.
class ManualExecutor final : public Executor {
 public:
  void post(std::function<void()> work) override { pending_.push_back(std::move(work)); }
  // Runs the work posted so far, and what it posts in turn. Returns how many ran.
  std::size_t run_posted();
  std::size_t pending() const noexcept { return pending_.size(); }

 private:
  std::deque<std::function<void()>> pending_;
};

class PluginHarness {
 public:
  PluginHarness();
  ~PluginHarness();
  PluginHarness(const PluginHarness&) = delete;
  PluginHarness& operator=(const PluginHarness&) = delete;

  // Configures (against P's declared keys) and starts plugin as instance `name`. Throws
  // what the plugin throws (nothing of it stays in the graph) or a ConfigError.
  template <class P>
  void start(std::unique_ptr<P> plugin, std::map<std::string, ConfigValue, std::less<>> config = {},
             const std::string& name = "plugin") {
    start_object(std::move(plugin), detail::declared_keys<P>(), std::move(config), name);
  }
  // The same for the plugin exported by a library (checked as mirarid checks it).
  void start_library(const std::filesystem::path& file,
                     std::map<std::string, ConfigValue, std::less<>> config = {},
                     const std::string& name = "plugin");
  // Stops the instance and removes its nodes, as an unload does.
  void stop(const std::string& name = "plugin");
  // Replaces the instance by a new one given its snapshot, in one step, as a reload does.
  void reload(std::unique_ptr<Plugin> plugin, const std::string& name = "plugin");

  // A source published on port, for the test to write.
  template <class T>
  Source<T> input(const std::string& port, T initial = T{}) {
    Source<T> source;
    graph_.change(inputs_, [&] {
      source = graph_.source<T>(std::move(initial));
      graph_.publish(port, source.signal());
    });
    return source;
  }
  template <class T>
  EventSource<T> event_input(const std::string& port) {
    EventSource<T> source;
    graph_.change(inputs_, [&] {
      source = graph_.event_source<T>();
      graph_.publish(port, source.event());
    });
    return source;
  }
  // The committed value of a signal port.
  template <class T>
  const T& value(const std::string& port) {
    return graph_.subscribe<T>(port).value();
  }
  // Records the occurrences of an event port from now on; read them with the returned list.
  template <class T>
  std::shared_ptr<std::vector<T>> record(const std::string& port) {
    auto seen = std::make_shared<std::vector<T>>();
    graph_.change(inputs_, [&] {
      observe(graph_.subscribe_events<T>(port), [seen](const T& v) { seen->push_back(v); });
    });
    return seen;
  }
  // For an event port whose occurrences are lists (the changes of one tick, as the stock
  // watchers publish them): records every element, in order, from now on.
  template <class T>
  std::shared_ptr<std::vector<T>> record_each(const std::string& port) {
    auto seen = std::make_shared<std::vector<T>>();
    graph_.change(inputs_, [&] {
      observe(graph_.subscribe_events<std::vector<T>>(port),
              [seen](const std::vector<T>& v) { seen->insert(seen->end(), v.begin(), v.end()); });
    });
    return seen;
  }

  // Runs one tick.
  TickResult tick() { return graph_.tick(); }
  // Runs ticks, posted work and ready I/O handlers until none is left. Returns what the
  // ticks did.
  TickResult settle();
  // Like settle(), until done() holds or the deadline passes (for plugins whose input
  // comes from the kernel). Returns whether done() held.
  bool settle_until(const std::function<bool()>& done, std::chrono::milliseconds deadline);
  std::size_t run_posted() { return executor_.run_posted(); }

  Graph& graph() noexcept { return graph_; }
  ManualExecutor& executor() noexcept { return executor_; }
  boost::asio::io_context& io() noexcept { return io_; }

 private:
  struct Instance;
  Instance& instance(const std::string& name);
  // Runs posted work and ready I/O handlers until none is left; returns how many ran.
  std::size_t run_work();
  void start_object(std::unique_ptr<Plugin> plugin, std::vector<ConfigKey> keys,
                    std::map<std::string, ConfigValue, std::less<>> config,
                    const std::string& name);
  void launch(std::unique_ptr<Instance> instance,
              std::map<std::string, ConfigValue, std::less<>> config,
              const std::optional<std::string>& snapshot, OwnerId replacing);

  Graph graph_;
  ManualExecutor executor_;
  boost::asio::io_context io_;
  OwnerId inputs_;
  std::map<std::string, std::unique_ptr<Instance>> instances_;
};

}  // namespace testing
}  // namespace mirari
