// How mirarictl shows a command's result to a person: aligned tables and short key-value
// lists. (`--json` prints the result as the daemon sent it instead.)
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace mirari::host {

// The text for cmd's result (see control_commands.hpp for the commands), ending in a newline,
// or empty when there is nothing to show.
std::string human_text(const std::string& cmd, const nlohmann::json& result);

// A plugin's description (plugin_description.hpp): what it is, then its configuration keys.
std::string describe_text(const nlohmann::json& description);

}  // namespace mirari::host
