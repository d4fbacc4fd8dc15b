#include "worker_threads.hpp"

#include "code_keeper.hpp"
#include "crash_handler.hpp"

namespace mirari::host {

WorkerThreads::WorkerThreads(unsigned count) {
  boost::asio::use_service<CodeKeeper>(pool_);  // the oldest service: destroyed last
  for (unsigned i = 0; i < count; ++i) {
    threads_.emplace_back([this] {
      install_thread_altstack();
      pool_.attach();
    });
  }
}

WorkerThreads::~WorkerThreads() {
  pool_.stop();
  for (auto& thread : threads_) thread.join();
}

}  // namespace mirari::host
