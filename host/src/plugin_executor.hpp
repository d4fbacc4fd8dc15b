// The executor a plugin instance gets for its I/O and tasks: the daemon's worker threads,
// with the instance's work counted so that an unload can wait until none of it runs.
//
// Each instance's posted work runs on a strand of its own, one piece after the other, and its
// I/O handlers on another: a plugin whose work blocks holds at most one worker thread, and
// neither delays another plugin's work or I/O nor its own I/O handlers (given a thread free).
//
// Invariants:
// - in_flight() counts the work posted and not yet finished; work is finished once it has
//   returned and its function object (the plugin's code) has been destroyed.
// - Every posted work holds the anchor (the plugin's library) until it is destroyed, so the
//   library outlives the last of its code the workers run, even after the instance is gone;
//   once the plugin has asked for io(), the pool's CodeKeeper holds it until the pool is
//   destroyed, for the Asio services its I/O may have made there (code_keeper.hpp).
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>
#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "mirari/executor.hpp"

namespace spdlog {
class logger;
}

namespace mirari::host {

class CodeKeeper;

// Every instance's work in flight, for a report from any thread (a stuck shutdown).
// Thread-safe.
class WorkRegistry {
 public:
  struct Busy {
    std::string instance;
    std::size_t in_flight;
  };
  // Executors with work in flight, in the order they were made.
  std::vector<Busy> busy() const;

 private:
  friend class PluginExecutor;
  struct Counter;
  void add(const std::shared_ptr<Counter>& counter);

  mutable std::mutex mutex_;
  std::vector<std::weak_ptr<Counter>> counters_;
};

class PluginExecutor final : public Executor {
 public:
  PluginExecutor(boost::asio::thread_pool& workers, WorkRegistry& registry, std::string instance,
                 std::shared_ptr<const void> anchor, std::shared_ptr<spdlog::logger> log);
  // Runs work on a worker thread, after the instance's earlier work. Thread-safe. Work that
  // throws is logged and counts as done.
  void post(std::function<void()> work) override;
  // Work posted and not finished. Thread-safe.
  std::size_t in_flight() const;
  // Where the plugin's I/O objects live: a strand on the workers, so their handlers run in
  // order, one at a time, and a marker posted after stop() runs after every cancelled one.
  // From the first call on, the pool's CodeKeeper holds the library (code_keeper.hpp): I/O
  // objects made on the pool may make Asio services whose code is the library's. Thread-safe.
  boost::asio::any_io_executor io() const;
  // Posts done to `where` once in_flight() is zero (at once if it is). Keeps `where`'s
  // execution context running until then.
  void when_quiet(const boost::asio::any_io_executor& where, std::function<void()> done);

 private:
  struct State;
  struct Job;
  boost::asio::strand<boost::asio::thread_pool::executor_type> work_;
  boost::asio::strand<boost::asio::thread_pool::executor_type> io_;
  std::shared_ptr<const void> anchor_;
  CodeKeeper* keeper_;
  mutable std::once_flag kept_;
  std::shared_ptr<State> state_;
};

}  // namespace mirari::host
