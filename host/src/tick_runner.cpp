#include "tick_runner.hpp"

#include <boost/asio/post.hpp>

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

std::optional<TickRunner::Running> TickRunner::running() const {
  const std::int64_t since = running_since_.load();
  if (since == 0) return std::nullopt;
  return Running{running_tick_.load(),
                 std::chrono::steady_clock::time_point(std::chrono::steady_clock::duration(since))};
}

void TickRunner::run() {
  // Cleared before the tick: an input written while it runs posts the next one.
  scheduled_ = false;
  const auto start = std::chrono::steady_clock::now();
  running_tick_ = graph_.current_tick() + 1;
  running_since_ = start.time_since_epoch().count();
  TickResult result = graph_.tick();
  running_since_ = 0;
  const auto took = std::chrono::steady_clock::now() - start;
  if (result.ran()) {
    durations_.record(static_cast<std::uint64_t>(
        std::chrono::duration_cast<std::chrono::nanoseconds>(took).count()));
    if (after_tick_) after_tick_(took);
  }
  for (const NodeError& error : result.errors) errors_(error);
  if (!graph_.idle()) schedule();
}

}  // namespace mirari::host
