// Waiting in a test for something another thread or process does.
#pragma once

#include <chrono>
#include <functional>
#include <thread>

namespace mirari::testing {

// Polls condition every 10 ms until it holds (true) or timeout passes (false).
inline bool eventually(const std::function<bool()>& condition,
                       std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    if (condition()) return true;
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

}  // namespace mirari::testing
