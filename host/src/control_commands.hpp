// The control protocol's commands: one JSON request in, JSON responses out.
//
// A request is one JSON object, {"id": ANY, "cmd": NAME, ...arguments}; each response echoes
// the id: {"id": ANY, "ok": true, "result": ...} or {"id": ANY, "ok": false, "error": TEXT}.
// The commands, their arguments and their help are listed once, in control_command_table.hpp;
// what each answers is in host/README.md ("Control protocol").
//
// Every command runs on the graph's thread, between ticks, except `status` (and the refusal of a
// malformed request): answer_here() answers those on any thread, from the StatusBoard.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>

#include "config_file.hpp"
#include "control_command_table.hpp"
#include "mirari/graph.hpp"
#include "status_board.hpp"

namespace mirari::host {

class PluginManager;
class TickRunner;

// A connected client, as the commands see it.
class ControlPeer {
 public:
  virtual ~ControlPeer() = default;
  // Queues one response line; does nothing once the client is gone. Never calls back. Any
  // thread; responses sent from one thread reach the client in the order they were sent.
  virtual void send(const nlohmann::json& response) = 0;
  // Runs cleanup on the graph's thread once the client is gone (soon, if it already is). Any
  // thread.
  virtual void on_disconnect(std::function<void()> cleanup) = 0;
  // A number naming the client in logs and in the owners of its watches.
  virtual std::uint64_t number() const noexcept = 0;
};

class ControlCommands {
 public:
  // config is the daemon's current configuration (re-read on SIGHUP); scratch_dir is where
  // plugin files are opened just to describe them.
  ControlCommands(Graph& graph, PluginManager& plugins, const TickRunner& ticks,
                  const DaemonConfig& config, StatusBoard& board,
                  std::filesystem::path scratch_dir);

  // Answers request through peer and returns true when it needs nothing of the graph's
  // thread (`status`, a malformed request); otherwise returns false and does nothing. Any
  // thread.
  bool answer_here(const nlohmann::json& request, ControlPeer& peer) const;
  // Answers request through peer. Graph thread.
  void run(const nlohmann::json& request, const std::shared_ptr<ControlPeer>& peer);
  // Publishes the counts `status` reports. Graph thread.
  void refresh_status();
  // The Prometheus text exposition (`metrics`, and GET /metrics). Graph thread.
  std::string metrics() const;

  // Responses, as the protocol spells them.
  static nlohmann::json ok(const nlohmann::json& id, nlohmann::json result);
  static nlohmann::json error(const nlohmann::json& id, const std::string& message);

 private:
  // The handlers the command table names (control_command_table.cpp).
  friend const std::vector<ControlCommand>& control_commands();
  void on_status(const ControlCall& call);
  void on_plugins(const ControlCall& call);
  void on_describe(const ControlCall& call);
  void on_load(const ControlCall& call);
  void on_unload(const ControlCall& call);
  void on_reload(const ControlCall& call);
  void on_nodes(const ControlCall& call);
  void on_ports(const ControlCall& call);
  void on_graph(const ControlCall& call);
  void on_get(const ControlCall& call);
  void on_watch(const ControlCall& call);
  void on_write(const ControlCall& call);  // set and emit
  void on_stats(const ControlCall& call);
  void on_metrics(const ControlCall& call);

  nlohmann::json status() const;
  struct Parsed {
    nlohmann::json id;  // null unless the request's is a scalar
    std::string cmd;
    std::string error;  // why the request is refused; empty when it is well formed
  };
  static Parsed validate(const nlohmann::json& request);
  nlohmann::json describe(const std::string& name) const;

  Graph& graph_;
  PluginManager& plugins_;
  const TickRunner& ticks_;
  const DaemonConfig& config_;
  StatusBoard& board_;
  const std::filesystem::path config_file_;  // copies: read from any thread
  const std::filesystem::path control_socket_;
  std::filesystem::path scratch_dir_;
  std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
};

}  // namespace mirari::host
