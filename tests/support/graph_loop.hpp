// Drives a graph and an Asio io_context on the test's thread, the way mirarid drives them on
// its own: I/O handlers write sources, ticks commit what they wrote. Tests wait for an
// observable result with a deadline instead of sleeping.
#pragma once

#include <chrono>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <mirari/graph.hpp>

namespace mirari::testing {

class GraphLoop {
 public:
  boost::asio::any_io_executor executor() { return io_.get_executor(); }
  boost::asio::io_context& io() noexcept { return io_; }
  Graph& graph() noexcept { return graph_; }

  // Runs ready I/O handlers and ticks until done() holds after a tick, waiting for I/O in
  // between. Returns false when timeout passes first.
  template <class Done>
  bool run_until(Done done, std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
      io_.poll();
      graph_.run_until_idle();
      if (done()) return true;
      if (std::chrono::steady_clock::now() >= deadline) return false;
      io_.run_one_for(std::chrono::milliseconds(20));
    }
  }
  // Runs ticks for what is queued, without reading anything new.
  void settle() { graph_.run_until_idle(); }

 private:
  boost::asio::io_context io_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_{
      io_.get_executor()};
  Graph graph_;
};

}  // namespace mirari::testing
