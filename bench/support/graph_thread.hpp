// A graph and the io_context its ticks run on, on one thread of their own, as mirarid runs
// them: a write to the graph posts a tick to the io_context. A pipeline may run the I/O
// handlers of the watcher under test on that same thread (the cheapest arrangement to
// measure), or on an IoThread of their own, as mirarid's plugin strands do.
//
// Before start() the caller's thread may build nodes and I/O objects; from start() until
// stop() only the thread touches them (work for it goes through run()).
#pragma once

#include <cstdint>
#include <functional>

#include <boost/asio/post.hpp>
#include <mirari/graph.hpp>

#include "io_thread.hpp"

namespace mirari::bench {

class GraphThread {
 public:
  GraphThread() {
    graph_.set_wakeup(
        [this] { boost::asio::post(thread_.executor(), [this] { graph_.run_until_idle(); }); });
  }
  ~GraphThread() { stop(); }
  GraphThread(const GraphThread&) = delete;
  GraphThread& operator=(const GraphThread&) = delete;

  boost::asio::any_io_executor executor() { return thread_.executor(); }
  Graph& graph() noexcept { return graph_; }

  void start() { thread_.start(); }
  void run(const std::function<void()>& fn) { thread_.run(fn); }
  void stop() { thread_.stop(); }
  std::int64_t cpu_ns() { return thread_.cpu_ns(); }
  std::int64_t runqueue_wait_ns() const { return thread_.runqueue_wait_ns(); }

 private:
  // Destroyed after the graph's nodes are no longer reached from the thread: stop() first.
  IoThread thread_;
  Graph graph_;
};

}  // namespace mirari::bench
