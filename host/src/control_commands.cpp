#include "control_commands.hpp"

#include <unistd.h>

#include <ctime>
#include <stdexcept>

#include "config_json.hpp"
#include "file_trust.hpp"
#include "metrics.hpp"
#include "plugin_description.hpp"
#include "plugin_file_check.hpp"
#include "plugin_manager.hpp"
#include "tick_runner.hpp"

namespace mirari::host {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

// A request the daemon cannot act on; its text goes back to the client.
class BadRequest : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

std::string utc(std::chrono::system_clock::time_point t) {
  const std::time_t seconds = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  ::gmtime_r(&seconds, &tm);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return text;
}

json node_json(const NodeInfo& n) {
  return {{"name", n.name},
          {"owner", n.owner},
          {"kind", n.kind},
          {"type", n.type},
          {"event", n.event},
          {"height", n.height},
          {"recomputes", n.recomputes},
          {"changed_tick", n.changed_tick},
          {"needed", n.needed}};
}

// meaning: from the declarations of the instances that publish or subscribe the port.
json port_json(const PortInfo& p, const PortAudit& audit) {
  return {{"name", p.name},
          {"type", p.type},
          {"event", p.event},
          {"publisher", p.publisher},
          {"subscribers", p.subscribers},
          {"meaning", audit.meaning(p.name, p.publisher)}};
}

// {"key path": TOML text} for every value; a table's keys by their paths ("template.memory"),
// an array of tables as one TOML text.
json flat_values(const Config& config) {
  json out = json::object();
  for (const auto& [key, value] : config.values()) {
    if (const Config* table = std::get_if<Config>(&value)) {
      out.update(flat_values(*table));
    } else {
      out[config.path_of(key)] = to_toml(value);
    }
  }
  return out;
}

}  // namespace

ControlCommands::ControlCommands(Graph& graph, PluginManager& plugins, const TickRunner& ticks,
                                 const DaemonConfig& config, StatusBoard& board,
                                 fs::path scratch_dir)
    : graph_(graph),
      plugins_(plugins),
      ticks_(ticks),
      config_(config),
      board_(board),
      config_file_(config.file),
      control_socket_(config.control_socket),
      scratch_dir_(std::move(scratch_dir)) {}

json ControlCommands::ok(const json& id, json result) {
  return {{"id", id}, {"ok", true}, {"result", std::move(result)}};
}

json ControlCommands::error(const json& id, const std::string& message) {
  return {{"id", id}, {"ok", false}, {"error", message}};
}

ControlCommands::Parsed ControlCommands::validate(const json& request) {
  Parsed out;
  if (!request.is_object()) {
    out.error = R"(a request is a JSON object such as {"id": 1, "cmd": "status"})";
    return out;
  }
  if (auto it = request.find("id"); it != request.end()) {
    // Echoed in every response: only a scalar, so no response carries what it was sent.
    if (it->is_structured() || it->is_binary()) {
      out.error = R"(a request's "id" is a number, a string, a boolean or null)";
      return out;
    }
    out.id = *it;
  }
  auto cmd = request.find("cmd");
  if (cmd == request.end() || !cmd->is_string()) {
    out.error = R"(a request needs a string "cmd")";
    return out;
  }
  out.cmd = cmd->get<std::string>();
  return out;
}

bool ControlCommands::answer_here(const json& request, ControlPeer& peer) const {
  const Parsed parsed = validate(request);
  if (!parsed.error.empty()) {
    peer.send(error(parsed.id, parsed.error));
    return true;
  }
  const ControlCommand* command = find_control_command(parsed.cmd);
  if (command == nullptr || !command->answered_anywhere) return false;
  // The only such command, status, takes no argument and reads the board alone.
  peer.send(ok(parsed.id, status()));
  return true;
}

void ControlCommands::refresh_status() {
  board_.publish(
      {plugins_.list().size(), graph_.node_count(), graph_.ports().size(), graph_.current_tick()});
}

void ControlCommands::run(const json& request, const std::shared_ptr<ControlPeer>& peer) {
  const Parsed parsed = validate(request);
  const json& id = parsed.id;
  try {
    if (!parsed.error.empty()) throw BadRequest(parsed.error);
    const ControlCommand* command = find_control_command(parsed.cmd);
    if (command == nullptr) {
      throw BadRequest("unknown command '" + parsed.cmd +
                       "' (commands: " + control_command_names() + ")");
    }
    if (std::string why = argument_error(*command, request); !why.empty()) throw BadRequest(why);
    (this->*command->run)(ControlCall{request, id, parsed.cmd, peer});
  } catch (const std::exception& e) {
    peer->send(error(id, e.what()));
  }
}

void ControlCommands::on_status(const ControlCall& call) {
  call.answer(status());
}

void ControlCommands::on_plugins(const ControlCall& call) {
  json out = json::array();
  for (const auto& [instance, stopping] : plugins_.list()) {
    const Descriptor& d = instance->descriptor();
    out.push_back({{"name", instance->name()},
                   {"plugin", d.name},
                   {"version", d.version},
                   {"kind", std::string(to_string(d.kind))},
                   {"file", instance->file().string()},
                   {"origin", std::string(to_string(instance->origin()))},
                   {"state", stopping ? "stopping" : "running"},
                   {"reloads", instance->reloads()},
                   {"loaded_at", utc(instance->loaded_at())},
                   {"work_in_flight", instance->work_in_flight()}});
  }
  call.answer(std::move(out));
}

void ControlCommands::on_describe(const ControlCall& call) {
  call.answer(describe(call.text("name")));
}

void ControlCommands::on_load(const ControlCall& call) {
  const fs::path given = call.text("path");
  fs::path file = find_plugin_file(given, config_.plugin_dirs);
  if (file.empty()) {
    throw BadRequest(given.string() + ": no such plugin file" +
                     (given.is_absolute() ? "" : " in the plugin directories"));
  }
  std::optional<toml::table> settings;
  if (auto it = call.request.find("config"); it != call.request.end() && !it->is_null()) {
    try {
      settings = toml_from_json(*it);
    } catch (const ConfigJsonError& e) {
      throw BadRequest(e.what());
    }
  }
  const PluginInstance& loaded =
      plugins_.load(file, call.text("name"), Origin::control, std::move(settings));
  call.answer({{"name", loaded.name()},
               {"plugin", loaded.descriptor().name},
               {"version", loaded.descriptor().version},
               {"file", loaded.file().string()}});
}

void ControlCommands::on_unload(const ControlCall& call) {
  const std::string name = call.text("name");
  std::weak_ptr<ControlPeer> weak = call.peer;
  plugins_.unload(name, [weak, id = call.id, name](const std::string& why) {
    auto p = weak.lock();
    if (!p) return;
    p->send(why.empty() ? ok(id, {{"name", name}}) : error(id, why));
  });
}

void ControlCommands::on_reload(const ControlCall& call) {
  const PluginInstance& reloaded = plugins_.reload(call.text("name"));
  call.answer({{"name", reloaded.name()},
               {"plugin", reloaded.descriptor().name},
               {"version", reloaded.descriptor().version},
               {"reloads", reloaded.reloads()}});
}

void ControlCommands::on_nodes(const ControlCall& call) {
  json out = json::array();
  for (const auto& n : graph_.nodes()) out.push_back(node_json(n));
  call.answer(std::move(out));
}

void ControlCommands::on_ports(const ControlCall& call) {
  json out = json::array();
  for (const auto& p : graph_.ports()) out.push_back(port_json(p, plugins_.port_audit()));
  call.answer(std::move(out));
}

void ControlCommands::on_graph(const ControlCall& call) {
  if (call.request.value("dot", false)) {
    call.answer({{"dot", graph_.dot()}});
    return;
  }
  json nodes = json::array(), ports = json::array();
  for (const auto& n : graph_.nodes()) nodes.push_back(node_json(n));
  for (const auto& p : graph_.ports()) ports.push_back(port_json(p, plugins_.port_audit()));
  call.answer({{"nodes", std::move(nodes)}, {"ports", std::move(ports)}});
}

void ControlCommands::on_get(const ControlCall& call) {
  call.answer(json::parse(graph_.port_json(call.text("port"))));
}

json ControlCommands::status() const {
  const auto up = std::chrono::steady_clock::now() - started_;
  const StatusBoard::Counts counts = board_.read();
  return {{"version", MIRARI_VERSION},
          {"pid", ::getpid()},
          {"uptime_s", std::chrono::duration_cast<std::chrono::seconds>(up).count()},
          {"config", config_file_.string()},
          {"control_socket", control_socket_.string()},
          {"plugins", counts.plugins},
          {"nodes", counts.nodes},
          {"ports", counts.ports},
          {"tick", counts.tick}};
}

json ControlCommands::describe(const std::string& name) const {
  if (const PluginInstance* instance = plugins_.find(name)) {
    json out = describe_plugin(instance->descriptor());
    out["instance"] = instance->name();
    out["file"] = instance->file().string();
    out["config"] = flat_values(instance->config());
    for (json& port : out["ports"]) {
      const std::string name = port["name"].get<std::string>();
      const std::string configured = resolve_port_name(name, instance->config());
      if (configured != name) port["configured_name"] = configured;
    }
    return out;
  }
  const fs::path file = find_plugin_file(name, config_.plugin_dirs);
  if (file.empty() || !fs::is_regular_file(file)) {
    throw BadRequest("no plugin instance '" + name + "' is loaded, and no plugin file '" + name +
                     "' is in the plugin directories");
  }
  return check_plugin_file(file, scratch_dir_, !config_.allow_unsafe_permissions).description;
}

void ControlCommands::on_stats(const ControlCall& call) {
  const GraphStats g = graph_.stats();
  const TickDurations::Summary t = ticks_.durations().summary();
  call.answer({{"ticks", g.ticks},
               {"rolled_back", g.rolled_back},
               {"inputs", g.inputs},
               {"recomputes", g.recomputes},
               {"effects", g.effects},
               {"effect_errors", g.effect_errors},
               {"nodes", g.nodes},
               {"idle_nodes", g.idle},
               {"max_height", g.max_height},
               {"tick_duration_ns",
                {{"p50", t.p50_ns},
                 {"p90", t.p90_ns},
                 {"p99", t.p99_ns},
                 {"max", t.max_ns},
                 {"window", t.window},
                 {"count", t.count}}}});
}

void ControlCommands::on_metrics(const ControlCall& call) {
  call.answer(metrics());
}

std::string ControlCommands::metrics() const {
  Metrics m;
  m.graph = graph_.stats();
  m.ports = graph_.ports().size();
  m.ticks = ticks_.durations().summary();
  for (const auto& [instance, stopping] : plugins_.list()) {
    m.instances.push_back({instance->name(), instance->descriptor().name, instance->reloads(),
                           instance->work_in_flight()});
  }
  return prometheus_text(m);
}

void ControlCommands::on_write(const ControlCall& call) {
  const std::string& cmd = call.cmd;
  const std::string port = call.text("port");
  for (const PortInfo& p : graph_.ports()) {
    if (p.name != port) continue;
    if (cmd == "set" && p.event) {
      throw BadRequest("port '" + port + "' is an event port: emit an occurrence instead");
    }
    if (cmd == "emit" && !p.event) {
      throw BadRequest("port '" + port + "' is a signal port: set its value instead");
    }
    graph_.write_port_json(port, call.request.at("value").dump());
    call.answer(nullptr);
    return;
  }
  throw BadRequest("no port '" + port + "'");
}

void ControlCommands::on_watch(const ControlCall& call) {
  const std::string port = call.text("port");
  const std::shared_ptr<ControlPeer>& peer = call.peer;
  const OwnerId owner =
      graph_.add_owner("watch " + port + " (client " + std::to_string(peer->number()) + ")");
  std::weak_ptr<ControlPeer> weak = peer;
  graph_.watch_port(port, owner, [weak, id = call.id](const std::string& value) {
    if (auto p = weak.lock()) p->send(ok(id, json::parse(value)));
  });
  refresh_status();
  peer->on_disconnect([this, owner] {
    graph_.remove_owner(owner);
    graph_.release_owner(owner);
    refresh_status();
  });
}

}  // namespace mirari::host
