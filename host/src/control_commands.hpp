// The control protocol's commands: one JSON request in, JSON responses out.
//
// A request is one JSON object, {"id": ANY, "cmd": NAME, ...arguments}; each response echoes
// the id: {"id": ANY, "ok": true, "result": ...} or {"id": ANY, "ok": false, "error": TEXT}.
//
//   status                          daemon, version, pid, uptime, counts, current tick
//   plugins                         the instances in load order
//   describe  {"name"}              an instance's plugin and configuration keys (or a file's)
//   load      {"path", "name"?}     a plugin file (relative: searched in the plugin dirs)
//   unload    {"name"}              answered once the instance is released
//   reload    {"name"}
//   nodes | ports                   the graph's nodes, its ports
//   graph     {"dot"?: bool}        nodes and ports, or Graphviz DOT text
//   get       {"port"}              a signal port's value
//   watch     {"port"}              one response per committed change (a signal: its current
//                                   value first) until the client disconnects
//   set | emit {"port", "value"}    writes into the source publishing a signal | event port
//   stats                           graph totals and tick duration percentiles
//   metrics                         the Prometheus text exposition, as one string
//
// Every command runs on the graph's thread, between ticks.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>

#include "config_file.hpp"
#include "mirari/graph.hpp"

namespace mirari::host {

class PluginManager;
class TickRunner;

// A connected client, as the commands see it.
class ControlPeer {
 public:
  virtual ~ControlPeer() = default;
  // Queues one response line; does nothing once the client is gone. Never calls back.
  virtual void send(const nlohmann::json& response) = 0;
  // Runs cleanup on the graph's thread once the client is gone (soon, if it already is).
  virtual void on_disconnect(std::function<void()> cleanup) = 0;
  // A number naming the client in logs and in the owners of its watches.
  virtual std::uint64_t number() const noexcept = 0;
};

class ControlCommands {
 public:
  // config is the daemon's current configuration (re-read on SIGHUP); scratch_dir is where
  // plugin files are opened just to describe them.
  ControlCommands(Graph& graph, PluginManager& plugins, const TickRunner& ticks,
                  const DaemonConfig& config, std::filesystem::path scratch_dir);

  // Answers request through peer.
  void run(const nlohmann::json& request, const std::shared_ptr<ControlPeer>& peer);

  // Responses, as the protocol spells them.
  static nlohmann::json ok(const nlohmann::json& id, nlohmann::json result);
  static nlohmann::json error(const nlohmann::json& id, const std::string& message);

 private:
  nlohmann::json status() const;
  nlohmann::json plugins() const;
  nlohmann::json describe(const std::string& name) const;
  nlohmann::json stats() const;
  std::string metrics() const;
  void write(const std::string& cmd, const std::string& port, const nlohmann::json& value);
  void watch(const nlohmann::json& id, const std::string& port,
             const std::shared_ptr<ControlPeer>& peer);

  Graph& graph_;
  PluginManager& plugins_;
  const TickRunner& ticks_;
  const DaemonConfig& config_;
  std::filesystem::path scratch_dir_;
  std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
};

}  // namespace mirari::host
