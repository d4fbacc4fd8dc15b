#include "plugin_executor.hpp"

#include <spdlog/logger.h>

#include <boost/asio/execution/outstanding_work.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/prefer.hpp>
#include <exception>

namespace mirari::host {

struct PluginExecutor::State {
  std::shared_ptr<spdlog::logger> log;
  mutable std::mutex mutex;
  std::size_t in_flight = 0;
  std::vector<std::pair<boost::asio::any_io_executor, std::function<void()>>> waiters;

  void finished() {
    std::vector<std::pair<boost::asio::any_io_executor, std::function<void()>>> ready;
    {
      std::lock_guard lock(mutex);
      if (--in_flight != 0) return;
      ready.swap(waiters);
    }
    for (auto& [where, done] : ready) boost::asio::post(where, std::move(done));
  }
};

// Members are destroyed in reverse order: the plugin's function first, the anchor last.
struct PluginExecutor::Job {
  std::shared_ptr<const void> anchor;
  std::shared_ptr<State> state;
  std::function<void()> work;

  void operator()() {
    try {
      work();
    } catch (const std::exception& e) {
      state->log->error("posted work failed: {}", e.what());
    } catch (...) {
      state->log->error("posted work failed with an unknown exception");
    }
    work = nullptr;
    state->finished();
  }
};

PluginExecutor::PluginExecutor(boost::asio::thread_pool& workers,
                               std::shared_ptr<const void> anchor,
                               std::shared_ptr<spdlog::logger> log)
    : workers_(workers),
      io_(boost::asio::make_strand(workers)),
      anchor_(std::move(anchor)),
      state_(std::make_shared<State>()) {
  state_->log = std::move(log);
}

void PluginExecutor::post(std::function<void()> work) {
  {
    std::lock_guard lock(state_->mutex);
    ++state_->in_flight;
  }
  boost::asio::post(workers_, Job{anchor_, state_, std::move(work)});
}

std::size_t PluginExecutor::in_flight() const {
  std::lock_guard lock(state_->mutex);
  return state_->in_flight;
}

void PluginExecutor::when_quiet(const boost::asio::any_io_executor& where,
                                std::function<void()> done) {
  // Handlers of I/O objects the plugin closed in stop() are queued on its strand: a counted
  // marker behind them finishes only once they have run.
  {
    std::lock_guard lock(state_->mutex);
    ++state_->in_flight;
  }
  boost::asio::post(io_, Job{anchor_, state_, [] {}});
  boost::asio::any_io_executor tracked =
      boost::asio::prefer(where, boost::asio::execution::outstanding_work.tracked);
  {
    std::lock_guard lock(state_->mutex);
    if (state_->in_flight != 0) {
      state_->waiters.emplace_back(std::move(tracked), std::move(done));
      return;
    }
  }
  boost::asio::post(tracked, std::move(done));
}

}  // namespace mirari::host
