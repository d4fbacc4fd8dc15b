#include "tick_runner.hpp"

#include <boost/asio/post.hpp>
#include <chrono>

namespace mirari::host {

TickRunner::TickRunner(Graph& graph, boost::asio::any_io_executor strand, ErrorSink errors)
    : graph_(graph), strand_(std::move(strand)), errors_(std::move(errors)) {
  graph_.set_wakeup([this] { schedule(); });
}

TickRunner::~TickRunner() {
  graph_.set_wakeup(nullptr);
}

void TickRunner::schedule() {
  if (scheduled_.exchange(true)) return;
  boost::asio::post(strand_, [this] { run(); });
}

void TickRunner::run() {
  // Cleared before the tick: an input written while it runs posts the next one.
  scheduled_ = false;
  const auto start = std::chrono::steady_clock::now();
  TickResult result = graph_.tick();
  if (result.ran()) {
    durations_.record(
        static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                       std::chrono::steady_clock::now() - start)
                                       .count()));
  }
  for (const NodeError& error : result.errors) errors_(error);
  if (!graph_.idle()) schedule();
}

}  // namespace mirari::host
