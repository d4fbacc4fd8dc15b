// When to say that reports were rejected: the first datagram holding a rejected line is
// logged, then at most one per interval, with how many lines were rejected in between, so a
// misbehaving instance can neither flood the log nor go unnoticed.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace mirari::load {

class RejectionLog {
 public:
  using Clock = std::chrono::steady_clock;

  explicit RejectionLog(Clock::duration interval = std::chrono::minutes(1)) : interval_(interval) {}

  // Notes that `count` lines of datagram were rejected at `now`; returns the line to log, if
  // one is due. The datagram is quoted with control bytes escaped and cut at kQuotedBytes.
  std::optional<std::string> rejected(std::string_view datagram, std::size_t count,
                                      Clock::time_point now);

  static constexpr std::size_t kQuotedBytes = 200;

 private:
  Clock::duration interval_;
  std::optional<Clock::time_point> logged_;
  std::uint64_t unlogged_ = 0;
};

}  // namespace mirari::load
