#include <spdlog/logger.h>
#include <spdlog/sinks/stdout_sinks.h>

#include <optional>
#include <thread>

#include "mirari/plugin_library.hpp"
#include "mirari/testing.hpp"

namespace mirari::testing {

std::size_t ManualExecutor::run_posted() {
  std::size_t ran = 0;
  while (!pending_.empty()) {
    auto work = std::move(pending_.front());
    pending_.pop_front();
    work();
    ++ran;
  }
  return ran;
}

namespace {

class HarnessContext final : public Context {
 public:
  HarnessContext(Graph& graph, Executor& executor, boost::asio::io_context& io, std::string name)
      : graph_(graph),
        executor_(executor),
        io_(io),
        name_(std::move(name)),
        log_(std::make_shared<spdlog::logger>(name_,
                                              std::make_shared<spdlog::sinks::stderr_sink_mt>())) {
    log_->set_level(spdlog::level::warn);
  }
  Graph& graph() override { return graph_; }
  Executor& executor() override { return executor_; }
  boost::asio::any_io_executor io() override { return io_.get_executor(); }
  const Config& config() const override { return config_; }
  spdlog::logger& log() override { return *log_; }
  const std::string& instance_name() const override { return name_; }
  void set_config(Config config) { config_ = std::move(config); }

 private:
  Graph& graph_;
  Executor& executor_;
  boost::asio::io_context& io_;
  std::string name_;
  Config config_;
  std::shared_ptr<spdlog::logger> log_;
};

}  // namespace

struct PluginHarness::Instance {
  // Declared first so that it is released last, after the plugin and its nodes.
  std::shared_ptr<PluginLibrary> library;
  std::vector<ConfigKey> keys;
  std::unique_ptr<Plugin> plugin;
  std::unique_ptr<HarnessContext> context;
  OwnerId owner = kGraphOwner;
  std::map<std::string, ConfigValue, std::less<>> raw_config;
};

PluginHarness::PluginHarness() : inputs_(graph_.add_owner("test")) {}

PluginHarness::~PluginHarness() {
  while (!instances_.empty()) stop(instances_.rbegin()->first);
}

PluginHarness::Instance& PluginHarness::instance(const std::string& name) {
  auto it = instances_.find(name);
  if (it == instances_.end()) throw std::invalid_argument("no plugin instance '" + name + "'");
  return *it->second;
}

void PluginHarness::launch(std::unique_ptr<Instance> next,
                           std::map<std::string, ConfigValue, std::less<>> config,
                           const std::optional<std::string>& snapshot, OwnerId replacing) {
  const std::string name = next->context->instance_name();
  next->raw_config = config;
  Config checked = check_config(next->keys, std::move(config), name);
  next->plugin->configure(checked);
  next->context->set_config(std::move(checked));
  if (snapshot) next->plugin->restore(*snapshot);
  next->owner = graph_.add_owner(name);
  if (next->library) detail::internals(graph_).set_code_anchor(next->owner, next->library);
  graph_.change(next->owner, [&] {
    if (replacing != kGraphOwner) graph_.remove_owner(replacing);
    next->plugin->start(*next->context);
  });
  instances_[name] = std::move(next);
}

void PluginHarness::start_object(std::unique_ptr<Plugin> plugin, std::vector<ConfigKey> keys,
                                 std::map<std::string, ConfigValue, std::less<>> config,
                                 const std::string& name) {
  if (instances_.count(name) != 0) throw std::invalid_argument("'" + name + "' is running");
  auto next = std::make_unique<Instance>();
  next->keys = std::move(keys);
  next->plugin = std::move(plugin);
  next->context = std::make_unique<HarnessContext>(graph_, executor_, io_, name);
  launch(std::move(next), std::move(config), std::nullopt, kGraphOwner);
}

void PluginHarness::start_library(const std::filesystem::path& file,
                                  std::map<std::string, ConfigValue, std::less<>> config,
                                  const std::string& name) {
  if (instances_.count(name) != 0) throw std::invalid_argument("'" + name + "' is running");
  auto next = std::make_unique<Instance>();
  next->library =
      PluginLibrary::open(file, std::filesystem::temp_directory_path() / "mirari-harness");
  next->keys = next->library->descriptor().config_keys();
  next->plugin = next->library->descriptor().create();
  next->context = std::make_unique<HarnessContext>(graph_, executor_, io_, name);
  launch(std::move(next), std::move(config), std::nullopt, kGraphOwner);
}

void PluginHarness::stop(const std::string& name) {
  auto it = instances_.find(name);
  if (it == instances_.end()) throw std::invalid_argument("no plugin instance '" + name + "'");
  std::unique_ptr<Instance> old = std::move(it->second);
  instances_.erase(it);
  old->plugin->stop();
  run_work();
  graph_.remove_owner(old->owner);
}

void PluginHarness::reload(std::unique_ptr<Plugin> plugin, const std::string& name) {
  Instance& old = instance(name);
  auto next = std::make_unique<Instance>();
  next->keys = old.keys;
  next->plugin = std::move(plugin);
  next->context = std::make_unique<HarnessContext>(graph_, executor_, io_, name);
  std::unique_ptr<Instance> previous = std::move(instances_[name]);
  try {
    launch(std::move(next), previous->raw_config, previous->plugin->snapshot(), previous->owner);
  } catch (...) {
    instances_[name] = std::move(previous);
    throw;
  }
  previous->plugin->stop();
  run_work();
}

std::size_t PluginHarness::run_work() {
  std::size_t ran = 0;
  for (;;) {
    const std::size_t now = executor_.run_posted() + io_.poll();
    if (io_.stopped()) io_.restart();
    if (now == 0) return ran;
    ran += now;
  }
}

TickResult PluginHarness::settle() {
  TickResult total;
  for (;;) {
    total += graph_.run_until_idle();
    if (run_work() == 0 && graph_.idle()) return total;
  }
}

bool PluginHarness::settle_until(const std::function<bool()>& done,
                                 std::chrono::milliseconds deadline) {
  const auto until = std::chrono::steady_clock::now() + deadline;
  for (;;) {
    settle();
    if (done()) return true;
    if (std::chrono::steady_clock::now() >= until) return false;
    // Wait for the kernel (or a thread) rather than spin: one handler or a short pause.
    if (io_.run_one_for(std::chrono::milliseconds(10)) == 0) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    if (io_.stopped()) io_.restart();
  }
}

}  // namespace mirari::testing
