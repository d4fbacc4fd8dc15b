// An io_context on a thread of its own, with what the thread costs: its CPU time and the
// time it waited for a CPU.
//
// Before start() the caller's thread may build I/O objects on executor(); from start() until
// stop() only the thread touches them (work for it goes through run()).
#pragma once

#include <pthread.h>
#include <time.h>
#include <unistd.h>

#include <cstdint>
#include <fstream>
#include <functional>
#include <future>
#include <stdexcept>
#include <string>
#include <thread>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>

namespace mirari::bench {

class IoThread {
 public:
  IoThread() = default;
  ~IoThread() { stop(); }
  IoThread(const IoThread&) = delete;
  IoThread& operator=(const IoThread&) = delete;

  boost::asio::any_io_executor executor() { return io_.get_executor(); }

  void start() {
    std::promise<pid_t> started;
    thread_ = std::thread([this, &started] {
      started.set_value(::gettid());
      io_.run();
    });
    tid_ = started.get_future().get();
  }
  // Runs fn on the thread and waits for it; rethrows what it throws.
  void run(const std::function<void()>& fn) {
    std::packaged_task<void()> task(fn);
    std::future<void> done = task.get_future();
    boost::asio::post(io_, [&task] { task(); });
    done.get();
  }
  // Ends the thread once the handlers it is running return. Idempotent.
  void stop() {
    if (!thread_.joinable()) return;
    work_.reset();
    io_.stop();
    thread_.join();
  }

  // The CPU time the thread has used so far, in nanoseconds (0 before start()).
  std::int64_t cpu_ns() {
    if (!thread_.joinable()) return 0;
    clockid_t clock{};
    timespec used{};
    if (::pthread_getcpuclockid(thread_.native_handle(), &clock) != 0 ||
        ::clock_gettime(clock, &used) != 0) {
      throw std::runtime_error("cannot read an I/O thread's CPU clock");
    }
    return std::int64_t{used.tv_sec} * 1'000'000'000 + used.tv_nsec;
  }
  // The time the thread has spent runnable but waiting for a CPU so far, in nanoseconds
  // (/proc/self/task/TID/schedstat): what the machine's other work added to its latency.
  std::int64_t runqueue_wait_ns() const {
    std::ifstream schedstat("/proc/self/task/" + std::to_string(tid_) + "/schedstat");
    std::int64_t running = 0;
    std::int64_t waiting = 0;
    if (!(schedstat >> running >> waiting)) {
      throw std::runtime_error("cannot read an I/O thread's schedstat");
    }
    return waiting;
  }

 private:
  boost::asio::io_context io_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_{
      io_.get_executor()};
  std::thread thread_;
  pid_t tid_ = 0;
};

}  // namespace mirari::bench
