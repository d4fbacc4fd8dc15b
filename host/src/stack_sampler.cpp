#include "stack_sampler.hpp"

#include <execinfo.h>
#include <signal.h>

#include <atomic>
#include <thread>

#include "plugin_code.hpp"

namespace mirari::host {

namespace {

constexpr int kSampleSignal = SIGURG;

enum State : int { idle, asked, answered };
std::atomic<int> state{idle};
const PluginCode* answer = nullptr;

void on_sample(int) {
  int expected = asked;
  if (state.load(std::memory_order_acquire) != asked) return;
  void* frames[64];
  const int depth = ::backtrace(frames, 64);
  answer = plugin_code_on_stack(frames, depth);
  state.compare_exchange_strong(expected, answered, std::memory_order_acq_rel);
}

}  // namespace

void install_stack_sampler() {
  void* warm[2];
  ::backtrace(warm, 2);  // loads the unwinder now, not in the handler
  struct sigaction action {};
  action.sa_handler = on_sample;
  action.sa_flags = SA_RESTART | SA_ONSTACK;
  ::sigemptyset(&action.sa_mask);
  ::sigaction(kSampleSignal, &action, nullptr);
}

std::optional<std::string> plugin_running_on(pthread_t thread, std::chrono::milliseconds timeout) {
  answer = nullptr;
  state.store(asked, std::memory_order_release);
  if (::pthread_kill(thread, kSampleSignal) != 0) {
    state = idle;
    return std::nullopt;
  }
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (state.load(std::memory_order_acquire) != answered) {
    if (std::chrono::steady_clock::now() > deadline) {
      state = idle;
      return std::nullopt;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  const PluginCode* code = answer;
  state = idle;
  return code != nullptr ? std::string(code->name) : std::string();
}

}  // namespace mirari::host
