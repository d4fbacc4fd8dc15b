// The control commands, listed once: each command's name, what it does, its arguments, the
// daemon's handler and how mirarictl shows its result to a person. The daemon dispatches
// through this table (control_commands.cpp), mirarictl builds its subcommands and usage from
// it (mirarictl.cpp), and its human output picks each command's text here (human_output.cpp),
// so a command added here is known to all three.
//
// Invariant: names are unique, and every command's arguments are checked from its entry
// before its handler runs: a handler reads only arguments of the kinds declared.
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace mirari::host {

class ControlCommands;
class ControlPeer;

struct ControlArgument {
  enum class Kind {
    text,      // a string; on the command line a positional KEY
    instance,  // a string naming an instance or a plugin file; a file the client sees (a
               // path with a '/', or a name ending in .so) is sent as an absolute path
    file,      // a plugin file; one that exists where the client runs is sent absolute
    value,     // any JSON value; on the command line a positional JSON text
    flag,      // a boolean; on the command line --KEY
    option,    // a string; on the command line --KEY TEXT
    settings,  // a plugin's table, a JSON object; on the command line --set KEY=VALUE
               // (repeatable) and --config-json JSON
  };
  std::string_view key;  // the request's member
  Kind kind;
  bool required;
  std::string_view help;
};

// One request being answered.
struct ControlCall {
  const nlohmann::json& request;
  const nlohmann::json& id;
  const std::string& cmd;
  const std::shared_ptr<ControlPeer>& peer;
  // The string argument key, or empty when it is absent (the table has checked its type).
  std::string text(const char* key) const;
  // Sends the one response of a command that answers at once.
  void answer(nlohmann::json result) const;
};

struct ControlCommand {
  std::string_view name;
  std::string_view help;
  std::vector<ControlArgument> arguments;
  // Answers the call, or throws std::exception with the text for the client. Graph thread,
  // except for a command answered anywhere.
  void (ControlCommands::*run)(const ControlCall&);
  // The text for a person (mirarictl without --json), ending in a newline; empty: nothing.
  std::string (*human)(const nlohmann::json& result);
  bool answered_anywhere = false;  // needs nothing of the graph's thread
  bool streams = false;            // answers until the client leaves
};

// Every command, in the order usage lists them.
const std::vector<ControlCommand>& control_commands();
// The command named name, or null.
const ControlCommand* find_control_command(std::string_view name);
// "status, plugins, ...": every command's name.
std::string control_command_names();
// Why request's arguments do not fit command, or empty when they do.
std::string argument_error(const ControlCommand& command, const nlohmann::json& request);

}  // namespace mirari::host
