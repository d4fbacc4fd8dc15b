#include "control_command_table.hpp"

#include "control_commands.hpp"
#include "human_output.hpp"

namespace mirari::host {

using nlohmann::json;
using Kind = ControlArgument::Kind;

std::string ControlCall::text(const char* key) const {
  auto it = request.find(key);
  return it == request.end() || it->is_null() ? std::string() : it->get<std::string>();
}

void ControlCall::answer(json result) const {
  peer->send(ControlCommands::ok(id, std::move(result)));
}

const std::vector<ControlCommand>& control_commands() {
  using C = ControlCommands;
  static const std::vector<ControlCommand> commands = {
      {"status", "the daemon's state", {}, &C::on_status, &human::status_text, true},
      {"plugins", "the loaded plugin instances", {}, &C::on_plugins, &human::plugins_text},
      {"describe",
       "a plugin's configuration keys and ports (an instance's, with its values, or a file's)",
       {{"name", Kind::instance, true, "an instance's name, or a plugin file"}},
       &C::on_describe,
       &human::describe_text},
      {"load",
       "load a plugin file",
       {{"path", Kind::file, true, "the plugin file (relative: here, else in the plugin dirs)"},
        {"name", Kind::option, false, "the instance's name (default: the plugin's name)"},
        {"config", Kind::settings, false,
         "the instance's settings, for one without a [plugins.NAME] table"}},
       &C::on_load,
       &human::load_text},
      {"unload",
       "unload a plugin instance",
       {{"name", Kind::text, true, "the instance's name"}},
       &C::on_unload,
       &human::unload_text},
      {"reload",
       "reload a plugin instance",
       {{"name", Kind::text, true, "the instance's name"}},
       &C::on_reload,
       &human::reload_text},
      {"nodes", "the graph's nodes", {}, &C::on_nodes, &human::nodes_text},
      {"ports", "the graph's ports, with what each means", {}, &C::on_ports, &human::ports_text},
      {"graph",
       "the graph's nodes and ports",
       {{"dot", Kind::flag, false, "as Graphviz DOT"}},
       &C::on_graph,
       &human::graph_text},
      {"get",
       "a signal port's value",
       {{"port", Kind::text, true, "the port"}},
       &C::on_get,
       &human::value_text},
      {"watch",
       "a port's value, then each change, until interrupted",
       {{"port", Kind::text, true, "the port"}},
       &C::on_watch,
       &human::change_text,
       false,
       true},
      {"set",
       "set the source publishing a signal port",
       {{"port", Kind::text, true, "the port"}, {"value", Kind::value, true, "a JSON value"}},
       &C::on_write,
       &human::nothing},
      {"emit",
       "emit an occurrence on an event port's source",
       {{"port", Kind::text, true, "the port"}, {"value", Kind::value, true, "a JSON value"}},
       &C::on_write,
       &human::nothing},
      {"stats", "tick counts and tick duration percentiles", {}, &C::on_stats, &human::stats_text},
      {"metrics",
       "metrics in the Prometheus text format",
       {},
       &C::on_metrics,
       &human::metrics_text},
  };
  return commands;
}

const ControlCommand* find_control_command(std::string_view name) {
  for (const ControlCommand& command : control_commands()) {
    if (command.name == name) return &command;
  }
  return nullptr;
}

std::string control_command_names() {
  std::string out;
  for (const ControlCommand& command : control_commands()) {
    out += (out.empty() ? "" : ", ") + std::string(command.name);
  }
  return out;
}

std::string argument_error(const ControlCommand& command, const json& request) {
  const std::string cmd(command.name);
  for (const ControlArgument& argument : command.arguments) {
    const std::string key(argument.key);
    auto it = request.find(key);
    const bool given = it != request.end() && !it->is_null();
    switch (argument.kind) {
      case Kind::text:
      case Kind::instance:
      case Kind::file:
      case Kind::option:
        if ((argument.required || given) && (!given || !it->is_string())) {
          return "'" + cmd + "' needs a string \"" + key + "\"";
        }
        break;
      case Kind::value:
        if (argument.required && it == request.end()) {
          return "'" + cmd + "' needs a \"" + key + "\"";
        }
        break;
      case Kind::flag:
        if (given && !it->is_boolean()) return "'" + cmd + "': \"" + key + "\" is true or false";
        break;
      case Kind::settings:
        if (given && !it->is_object()) {
          return "'" + cmd + "': \"" + key + "\" is a JSON object (the plugin's settings)";
        }
        break;
    }
  }
  return "";
}

}  // namespace mirari::host
