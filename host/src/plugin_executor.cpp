#include "plugin_executor.hpp"

#include <spdlog/logger.h>

#include <boost/asio/execution/outstanding_work.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/prefer.hpp>
#include <exception>

#include "code_keeper.hpp"

namespace mirari::host {

struct WorkRegistry::Counter {
  std::string instance;
  mutable std::mutex mutex;
  std::size_t in_flight = 0;
};

void WorkRegistry::add(const std::shared_ptr<Counter>& counter) {
  std::lock_guard lock(mutex_);
  std::erase_if(counters_, [](const auto& weak) { return weak.expired(); });
  counters_.push_back(counter);
}

std::vector<WorkRegistry::Busy> WorkRegistry::busy() const {
  std::vector<Busy> out;
  std::lock_guard lock(mutex_);
  for (const auto& weak : counters_) {
    if (auto counter = weak.lock()) {
      std::lock_guard count(counter->mutex);
      if (counter->in_flight != 0) out.push_back({counter->instance, counter->in_flight});
    }
  }
  return out;
}

struct PluginExecutor::State {
  std::shared_ptr<spdlog::logger> log;
  std::shared_ptr<WorkRegistry::Counter> counter;
  std::vector<std::pair<boost::asio::any_io_executor, std::function<void()>>> waiters;

  void started() {
    std::lock_guard lock(counter->mutex);
    ++counter->in_flight;
  }

  void finished() {
    std::vector<std::pair<boost::asio::any_io_executor, std::function<void()>>> ready;
    {
      std::lock_guard lock(counter->mutex);
      if (--counter->in_flight != 0) return;
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

PluginExecutor::PluginExecutor(boost::asio::thread_pool& workers, WorkRegistry& registry,
                               std::string instance, std::shared_ptr<const void> anchor,
                               std::shared_ptr<spdlog::logger> log)
    : work_(boost::asio::make_strand(workers)),
      io_(boost::asio::make_strand(workers)),
      anchor_(std::move(anchor)),
      // Made now, if WorkerThreads has not made it, so that it is older than any service
      // the plugin's I/O makes: Asio destroys services newest first.
      keeper_(&boost::asio::use_service<CodeKeeper>(workers)),
      state_(std::make_shared<State>()) {
  state_->log = std::move(log);
  state_->counter = std::make_shared<WorkRegistry::Counter>();
  state_->counter->instance = std::move(instance);
  registry.add(state_->counter);
}

boost::asio::any_io_executor PluginExecutor::io() const {
  std::call_once(kept_, [this] { keeper_->keep(anchor_); });
  return io_;
}

void PluginExecutor::post(std::function<void()> work) {
  state_->started();
  boost::asio::post(work_, Job{anchor_, state_, std::move(work)});
}

std::size_t PluginExecutor::in_flight() const {
  std::lock_guard lock(state_->counter->mutex);
  return state_->counter->in_flight;
}

void PluginExecutor::when_quiet(const boost::asio::any_io_executor& where,
                                std::function<void()> done) {
  // Handlers of I/O objects the plugin closed in stop() are queued on its strand: a counted
  // marker behind them finishes only once they have run.
  state_->started();
  boost::asio::post(io_, Job{anchor_, state_, [] {}});
  boost::asio::any_io_executor tracked =
      boost::asio::prefer(where, boost::asio::execution::outstanding_work.tracked);
  {
    std::lock_guard lock(state_->counter->mutex);
    if (state_->counter->in_flight != 0) {
      state_->waiters.emplace_back(std::move(tracked), std::move(done));
      return;
    }
  }
  boost::asio::post(tracked, std::move(done));
}

}  // namespace mirari::host
