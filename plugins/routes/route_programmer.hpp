// Programs the routers, off the graph's thread: a pass reads what each wanted router holds,
// programs the differences when there are any, reads it back, and reports every router's
// result (held, error, applied_at) at once. Passes run on the plugin's executor one at a
// time; a pass is scheduled when the wanted sets change and every verify period, so a router
// that lost what it held (a restarted daemon, a route deleted by hand) is programmed again,
// and a failure (a namespace gone, a daemon down) is retried until it succeeds.
//
// A pass for a change trusts what the previous pass read back from a router that took
// everything without an error: it programs the difference from that without reading first,
// and leaves a router whose wanted set did not change untouched. Reading a router costs a
// process for FRR (vtysh, about 30 ms), so a change reaches FRR in two calls, not three. A
// verify pass, and any pass after an error, reads every router first.
//
// Invariant: at most one pass is queued and at most one runs; a pass always works from the
// latest wanted sets, and after stop() no pass touches a router or reports.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include <mirari/executor.hpp>
#include <mirari/ports/routes.hpp>

#include "router_backend.hpp"

namespace mirari::routes {

using Backends = std::map<std::string, std::unique_ptr<RouterBackend>>;

class RouteProgrammer : public std::enable_shared_from_this<RouteProgrammer> {
 public:
  // Receives every pass's results, on the executor's thread: one entry per wanted router.
  using Report = std::function<void(const ports::routes::RoutesApplied&)>;

  RouteProgrammer(Executor& executor, boost::asio::any_io_executor io, Backends backends,
                  std::chrono::milliseconds verify, Report report);

  // The checked sets each router must hold (a router left out is left alone). Takes effect
  // in a pass scheduled now. Any thread.
  void want(const ports::routes::RoutesDesired& sets);
  // Starts the verify timer. Any thread.
  void start();
  // Cancels the timer; no pass programs or reports after it returns. Any thread.
  void stop();

 private:
  void schedule(bool verify = false);
  void wait();  // with timer_mutex_ held
  void pass();
  ports::routes::AppliedRouter program(const std::string& name, RouterBackend& backend,
                                       const ports::routes::RouterRoutes& wanted,
                                       const ports::routes::AppliedRouter& before, bool verify);

  Executor& executor_;
  Backends backends_;  // used by one pass at a time (pass_mutex_)
  std::chrono::milliseconds verify_;
  Report report_;

  std::mutex mutex_;  // guards wanted_, queued_, verify_due_, stopped_
  ports::routes::RoutesDesired wanted_;
  bool queued_ = false;
  bool verify_due_ = false;  // the queued pass reads every router first
  bool stopped_ = false;

  std::mutex pass_mutex_;  // held by the running pass; guards results_
  ports::routes::RoutesApplied results_;

  std::mutex timer_mutex_;  // the timer is used from io's thread and the caller's of stop()
  boost::asio::steady_timer timer_;
  bool timer_stopped_ = false;
};

}  // namespace mirari::routes
