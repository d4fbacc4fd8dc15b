// How mirarictl shows a command's result to a person: aligned tables and short key-value
// lists. (`--json` prints the result as the daemon sent it instead.)
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace mirari::host {

// The text for cmd's result, as the command table names it (control_command_table.hpp),
// ending in a newline, or empty when there is nothing to show.
std::string human_text(const std::string& cmd, const nlohmann::json& result);

// Each command's text, for the command table.
namespace human {
std::string status_text(const nlohmann::json& result);
std::string plugins_text(const nlohmann::json& result);
// A plugin's description (plugin_description.hpp): what it is, then its configuration keys,
// a nested key by its path (`template.memory`, `groups[].name`).
std::string describe_text(const nlohmann::json& description);
std::string load_text(const nlohmann::json& result);
std::string unload_text(const nlohmann::json& result);
std::string reload_text(const nlohmann::json& result);
std::string nodes_text(const nlohmann::json& result);
std::string ports_text(const nlohmann::json& result);
std::string graph_text(const nlohmann::json& result);
std::string stats_text(const nlohmann::json& result);
std::string metrics_text(const nlohmann::json& result);
// A value indented for a person (`get`; --json prints it on one line).
std::string value_text(const nlohmann::json& result);
// A value on one line, as values come (`watch`).
std::string change_text(const nlohmann::json& result);
// Nothing: the command's success is its answer (`set`, `emit`).
std::string nothing(const nlohmann::json& result);
}  // namespace human

}  // namespace mirari::host
