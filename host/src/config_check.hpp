// Checking a plugin's table against the keys its descriptor declares, before configure().
//
// The check itself is the SDK's (mirari::check_config: unknown key, wrong type, missing
// required key, at every depth; defaults filled in); this file turns TOML into configuration
// values (tables into Config, arrays into arrays of one kind) and places every refusal in the
// configuration file: "FILE:LINE:COLUMN: plugin 'NAME': key 'groups[1].template.memory' ...",
// at the key when it is written, else where the table lacking it starts. A table given with a
// load request (PluginTable::given) has no place: its refusals are the check's text alone.
#pragma once

#include <string>
#include <vector>

#include "config_file.hpp"
#include "mirari/config.hpp"

namespace mirari::host {

// The checked configuration for table's instance. Throws ConfigFileError.
Config check_plugin_table(const PluginTable& table, const std::vector<ConfigKey>& keys);

}  // namespace mirari::host
