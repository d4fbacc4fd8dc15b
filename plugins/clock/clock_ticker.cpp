#include "clock_ticker.hpp"

#include <mutex>

#include <boost/asio/steady_timer.hpp>

namespace mirari::clock {

std::int64_t monotonic_ms() noexcept {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

struct ClockTicker::State : std::enable_shared_from_this<State> {
  State(boost::asio::any_io_executor io, std::chrono::milliseconds period, Publish publish)
      : timer(std::move(io)), period(period), publish(std::move(publish)) {}

  // With mutex held.
  void wait() {
    timer.expires_after(period);
    timer.async_wait([self = shared_from_this()](const boost::system::error_code& error) {
      std::lock_guard lock(self->mutex);
      if (error || self->stopped) return;
      self->publish(monotonic_ms());
      self->wait();
    });
  }

  boost::asio::steady_timer timer;
  std::chrono::milliseconds period;
  Publish publish;
  // The timer and the flag are used from the graph's thread (start, stop) and io's.
  std::mutex mutex;
  bool stopped = false;
};

ClockTicker::ClockTicker(boost::asio::any_io_executor io, std::chrono::milliseconds period,
                         Publish publish)
    : state_(std::make_shared<State>(std::move(io), period, std::move(publish))) {}

ClockTicker::~ClockTicker() {
  stop();
}

void ClockTicker::start() {
  std::lock_guard lock(state_->mutex);
  if (!state_->stopped) state_->wait();
}

void ClockTicker::stop() {
  std::lock_guard lock(state_->mutex);
  state_->stopped = true;
  state_->timer.cancel();
}

}  // namespace mirari::clock
