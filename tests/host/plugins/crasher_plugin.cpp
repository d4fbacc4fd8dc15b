// A plugin of the host's tests that crashes the process it runs in, on purpose: to test that
// mirarid names it, keeps it out after a restart, and that a file crashing its loader never
// gets into the daemon.
//
// An occurrence on its trigger port makes its node crash (the graph's thread) or makes it
// post work that crashes (a worker thread), in the way `how` says: "segv" (a write through a
// null pointer), "abort" or "overflow" (endless recursion, past the end of the stack). Built with
// CRASHER_ON_LOAD, the library crashes already while it is loaded (a static initialiser), before
// any entry point is reached.
#include <csignal>
#include <cstdint>
#include <cstdlib>
#include <stdexcept>
#include <string>
#include <vector>

#include "mirari/mirari.hpp"
#include "mirari/plugin.hpp"

namespace {

#ifdef CRASHER_ON_LOAD
const int crashed_while_loading = [] {
  std::raise(SIGSEGV);
  return 0;
}();
#endif

// Recurses until the thread's stack is gone (the volatile buffer keeps each frame real); the
// volatile limit, never reached, is what the compiler cannot see through.
volatile int recursion_limit = 1 << 30;
[[gnu::noinline]] int overflow(int depth) {
  volatile char frame[256];
  frame[0] = static_cast<char>(depth);
  if (depth == recursion_limit) return frame[0];
  return overflow(depth + 1) + frame[0];
}

// Not inlined, so the crash happens in this library's own code.
[[gnu::noinline]] void crash(const std::string& how) {
  if (how == "abort") std::abort();
  if (how == "overflow") overflow(0);
  volatile int* nowhere = nullptr;
  *nowhere = 1;
}

class Crasher final : public mirari::Plugin {
 public:
  static std::vector<mirari::ConfigKey> config_keys() {
    using mirari::ConfigKey;
    return {ConfigKey::optional("trigger", "crasher.trigger", "event port (int64) that crashes it"),
            ConfigKey::optional("how", "segv", "segv, abort or overflow (of the stack)"),
            ConfigKey::optional("where", "node", "node (the graph's thread) or work (a worker)")};
  }

  void configure(const mirari::Config& config) override {
    trigger_ = config.get<std::string>("trigger");
    how_ = config.get<std::string>("how");
    where_ = config.get<std::string>("where");
    if (how_ != "segv" && how_ != "abort" && how_ != "overflow") {
      throw mirari::ConfigError("how is segv, abort or overflow");
    }
    if (where_ != "node" && where_ != "work") throw mirari::ConfigError("where is node or work");
  }

  void start(mirari::Context& ctx) override {
    auto trigger = ctx.subscribe_events<std::int64_t>(trigger_);
    mirari::Executor* executor = &ctx.executor();
    auto crashed =
        mirari::fold(trigger, std::int64_t{0},
                     [how = how_, where = where_, executor](std::int64_t n, std::int64_t) {
                       if (where == "node") crash(how);
                       executor->post([how] { crash(how); });
                       return n + 1;
                     });
    ctx.publish("crasher.triggered", crashed.named("triggered"));
  }

 private:
  std::string trigger_, how_, where_;
};

}  // namespace

MIRARI_PLUGIN(Crasher, "crasher", "1.0.0", mirari::Kind::policy, "crashes on purpose")
