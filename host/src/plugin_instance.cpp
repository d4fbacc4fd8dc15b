#include "plugin_instance.hpp"

#include "config_check.hpp"
#include "logging.hpp"
#include "port_audit.hpp"

namespace mirari::host {

std::string_view to_string(Origin origin) noexcept {
  switch (origin) {
    case Origin::config:
      return "config";
    case Origin::directory:
      return "directory";
    case Origin::control:
      return "control";
  }
  return "unknown";
}

class PluginInstance::Context final : public mirari::Context {
 public:
  Context(Graph& graph, PluginExecutor& executor, Config config, spdlog::logger& log,
          const std::string& name)
      : graph_(graph), executor_(executor), config_(std::move(config)), log_(log), name_(name) {}
  Graph& graph() override { return graph_; }
  Executor& executor() override { return executor_; }
  boost::asio::any_io_executor io() override { return executor_.io(); }
  const Config& config() const override { return config_; }
  spdlog::logger& log() override { return log_; }
  const std::string& instance_name() const override { return name_; }

 private:
  Graph& graph_;
  PluginExecutor& executor_;
  Config config_;
  spdlog::logger& log_;
  const std::string& name_;
};

PluginInstance::PluginInstance(Graph& graph, boost::asio::thread_pool& workers, WorkRegistry& work,
                               Logging& logging, PortAudit& audit,
                               std::shared_ptr<PluginLibrary> library, PluginTable table,
                               Origin origin)
    : graph_(graph),
      audit_(audit),
      library_(std::move(library)),
      log_(logging.make(table.instance)),
      executor_(std::make_unique<PluginExecutor>(workers, work, table.instance, library_, log_)),
      table_(std::move(table)),
      origin_(origin),
      owner_(graph.add_owner(table_.instance)) {
  detail::internals(graph_).set_code_anchor(owner_, library_);
  try {
    Config config = check_plugin_table(table_, descriptor().config_keys());
    plugin_ = descriptor().create();
    plugin_->configure(config);
    std::vector<PortDecl> declared;
    if (descriptor().ports != nullptr) declared = descriptor().ports();
    audit_.enroll(owner_, table_.instance, std::move(declared), config, *log_);
    context_ =
        std::make_unique<Context>(graph_, *executor_, std::move(config), *log_, table_.instance);
  } catch (...) {
    plugin_.reset();
    release_owner();
    throw;
  }
}

PluginInstance::~PluginInstance() {
  plugin_.reset();
  context_.reset();
  release_owner();
}

void PluginInstance::release_owner() noexcept {
  audit_.withdraw(owner_);
  detail::internals(graph_).set_code_anchor(owner_, nullptr);
  try {
    graph_.release_owner(owner_);
  } catch (const std::exception& e) {
    // Nodes of it remain (they keep its name in listings): a leak of a name, not of code.
    log_->error("its graph owner is kept: {}", e.what());
  }
}

const Config& PluginInstance::config() const noexcept {
  return context_->config();
}

void PluginInstance::start() {
  started_ = true;
  plugin_->start(*context_);
}

void PluginInstance::stop() {
  if (stopped_) return;
  stopped_ = true;
  if (!started_) return;  // a prepared instance that was discarded has no I/O to cancel
  try {
    plugin_->stop();
  } catch (const std::exception& e) {
    log_->error("stop() failed: {}", e.what());
  }
}

}  // namespace mirari::host
