#include "route_programmer.hpp"

#include <exception>
#include <string>
#include <utility>

#include "route_check.hpp"
#include "route_diff.hpp"

namespace mirari::routes {

namespace {

using ports::routes::AppliedRouter;
using ports::routes::RouterRoutes;

// On clock.ms's clock (CLOCK_MONOTONIC), so applied_at compares with clock.ms.
std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

// Why a router that took every change without an error still does not hold wanted (a daemon
// that dropped a statement, a route someone else removed at once).
std::string unheld(const std::string& name, const RouterRoutes& held, const RouterRoutes& wanted) {
  const RouteChanges left = diff(held, wanted);
  std::string text = "router " + name + ": after programming it still";
  std::string sep = " lacks ";
  for (const auto& r : left.add) text += std::exchange(sep, ", ") + describe(r);
  for (const auto& p : left.announce) text += std::exchange(sep, ", ") + "announce " + p;
  sep = sep == ", " ? "; and holds " : " holds ";
  for (const auto& r : left.remove) text += std::exchange(sep, ", ") + describe(r);
  for (const auto& p : left.withdraw) text += std::exchange(sep, ", ") + "announce " + p;
  return text;
}

}  // namespace

RouteProgrammer::RouteProgrammer(Executor& executor, boost::asio::any_io_executor io,
                                 Backends backends, std::chrono::milliseconds verify, Report report)
    : executor_(executor),
      backends_(std::move(backends)),
      verify_(verify),
      report_(std::move(report)),
      timer_(std::move(io)) {}

void RouteProgrammer::want(const ports::routes::RoutesDesired& sets) {
  {
    std::lock_guard lock(mutex_);
    wanted_ = sets;
  }
  schedule();
}

void RouteProgrammer::start() {
  std::lock_guard lock(timer_mutex_);
  if (!timer_stopped_) wait();
}

void RouteProgrammer::stop() {
  {
    std::lock_guard lock(timer_mutex_);
    timer_stopped_ = true;
    timer_.cancel();
  }
  std::lock_guard lock(mutex_);
  stopped_ = true;
}

void RouteProgrammer::wait() {
  timer_.expires_after(verify_);
  timer_.async_wait([self = shared_from_this()](const boost::system::error_code& error) {
    std::lock_guard lock(self->timer_mutex_);
    if (error || self->timer_stopped_) return;
    self->schedule(true);
    self->wait();
  });
}

void RouteProgrammer::schedule(bool verify) {
  {
    std::lock_guard lock(mutex_);
    verify_due_ = verify_due_ || verify;
    if (queued_ || stopped_) return;
    queued_ = true;
  }
  executor_.post([self = shared_from_this()] { self->pass(); });
}

void RouteProgrammer::pass() {
  std::lock_guard running(pass_mutex_);
  ports::routes::RoutesDesired wanted;
  bool verify = false;
  {
    std::lock_guard lock(mutex_);
    queued_ = false;
    if (stopped_) return;
    wanted = wanted_;
    verify = std::exchange(verify_due_, false);
  }
  ports::routes::RoutesApplied results;
  for (const auto& [name, set] : wanted) {
    auto backend = backends_.find(name);
    if (backend == backends_.end()) continue;  // refused in the graph already
    const AppliedRouter* before = results_.find(name);
    results = results.set(name, before != nullptr
                                    ? program(name, *backend->second, set, *before, verify)
                                    : program(name, *backend->second, set, AppliedRouter{}, true));
  }
  {
    std::lock_guard lock(mutex_);
    if (stopped_) return;
  }
  results_ = results;
  report_(results);
}

AppliedRouter RouteProgrammer::program(const std::string& name, RouterBackend& backend,
                                       const RouterRoutes& wanted, const AppliedRouter& before,
                                       bool verify) {
  AppliedRouter out = before;
  const bool trusted = !verify && before.error.empty();
  if (trusted && before.held == wanted) return out;
  try {
    RouterRoutes held = trusted ? before.held : backend.read(wanted);
    if (held != wanted) {
      backend.apply(held, wanted);
      held = backend.read(wanted);
      out.applied_at = now_ms();
    }
    out.held = std::move(held);
    out.error = out.held == wanted ? std::string() : unheld(name, out.held, wanted);
    if (out.applied_at == 0) out.applied_at = now_ms();
  } catch (const std::exception& e) {
    out.error = e.what();
  }
  return out;
}

}  // namespace mirari::routes
