// One plugin instance: the plugin object made by a library's factory, with everything the
// daemon hands it (the context: graph, executor, checked configuration, logger) and the graph
// owner its nodes belong to.
//
// Invariants:
// - Members are released in the order the plugin lifecycle asks: the plugin object first,
//   then its executor (quiet by then), then its logger, and its library last.
// - The owner's code anchor is the library from construction until destruction, so ports the
//   plugin's code builds keep that code mapped for as long as they exist.
// Used on the graph's thread, except executor().
#pragma once

#include <boost/asio/thread_pool.hpp>
#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "config_file.hpp"
#include "mirari/plugin.hpp"
#include "mirari/plugin_library.hpp"
#include "plugin_executor.hpp"

namespace mirari::host {

class Logging;
class PortAudit;

// How an instance came to be loaded. Only those from the configuration file follow it when
// it is re-read.
enum class Origin { config, directory, control };
std::string_view to_string(Origin origin) noexcept;

class PluginInstance {
 public:
  // Creates the plugin and configures it with table, checked against the declared keys, and
  // enrolls it in audit, which checks the ports it uses against those it declares. Throws
  // ConfigFileError for the table, or what the plugin's configure() throws.
  PluginInstance(Graph& graph, boost::asio::thread_pool& workers, WorkRegistry& work,
                 Logging& logging, PortAudit& audit, std::shared_ptr<PluginLibrary> library,
                 PluginTable table, Origin origin);
  // Expects the instance stopped, quiet, and its nodes gone.
  ~PluginInstance();
  PluginInstance(const PluginInstance&) = delete;
  PluginInstance& operator=(const PluginInstance&) = delete;

  // Gives the plugin a previous instance's state; before start().
  void restore(const std::string& snapshot) { plugin_->restore(snapshot); }
  std::optional<std::string> snapshot() const { return plugin_->snapshot(); }
  // Runs the plugin's start(). The caller wraps it in graph.change(owner(), ...).
  void start();
  // Runs the plugin's stop() once, if start() ran; later calls do nothing.
  void stop();

  const std::string& name() const noexcept { return table_.instance; }
  const Descriptor& descriptor() const noexcept { return library_->descriptor(); }
  const std::shared_ptr<PluginLibrary>& library() const noexcept { return library_; }
  const std::filesystem::path& file() const noexcept { return table_.file; }
  const PluginTable& table() const noexcept { return table_; }
  const Config& config() const noexcept;
  Origin origin() const noexcept { return origin_; }
  OwnerId owner() const noexcept { return owner_; }
  PluginExecutor& executor() noexcept { return *executor_; }
  std::size_t work_in_flight() const { return executor_->in_flight(); }
  spdlog::logger& log() const noexcept { return *log_; }
  bool stopped() const noexcept { return stopped_; }
  // Successful reloads of this instance's name before this one.
  unsigned reloads() const noexcept { return reloads_; }
  void set_reloads(unsigned reloads) noexcept { reloads_ = reloads; }
  std::chrono::system_clock::time_point loaded_at() const noexcept { return loaded_at_; }

 private:
  class Context;
  // Leaves the port audit, drops the code anchor and the graph owner, whose nodes are gone
  // by then.
  void release_owner() noexcept;

  Graph& graph_;
  PortAudit& audit_;
  std::shared_ptr<PluginLibrary> library_;
  std::shared_ptr<spdlog::logger> log_;
  std::unique_ptr<PluginExecutor> executor_;
  PluginTable table_;
  Origin origin_;
  OwnerId owner_;
  std::unique_ptr<Context> context_;
  std::unique_ptr<Plugin> plugin_;
  bool started_ = false;
  bool stopped_ = false;
  unsigned reloads_ = 0;
  std::chrono::system_clock::time_point loaded_at_ = std::chrono::system_clock::now();
};

}  // namespace mirari::host
