// The threads that run the plugins' posted work and I/O handlers: an Asio thread pool whose
// threads the daemon starts itself, so that each has an alternate signal stack (a stack
// overflow in a plugin's work is reported by the crash handler like any other crash).
//
// Invariant: the pool runs on exactly `count` threads from construction until stop(). Its
// first service is the CodeKeeper, so the plugin libraries it keeps are released only after
// every other service of the pool is destroyed (code_keeper.hpp).
#pragma once

#include <boost/asio/thread_pool.hpp>
#include <thread>
#include <vector>

namespace mirari::host {

class WorkerThreads {
 public:
  explicit WorkerThreads(unsigned count);
  // Stops the pool and joins its threads: their current work must end first.
  ~WorkerThreads();
  WorkerThreads(const WorkerThreads&) = delete;
  WorkerThreads& operator=(const WorkerThreads&) = delete;

  boost::asio::thread_pool& pool() noexcept { return pool_; }

 private:
  boost::asio::thread_pool pool_{0};
  std::vector<std::thread> threads_;
};

}  // namespace mirari::host
