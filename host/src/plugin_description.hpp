// What a plugin library says about itself — name, version, kind, summary, its declared
// configuration keys and its declared ports — as JSON, for `mirarictl describe` and `mirarid
// --describe`.
#pragma once

#include <nlohmann/json.hpp>

#include "mirari/plugin.hpp"

namespace mirari::host {

// {"plugin", "version", "kind", "summary", "keys": [{"name", "type", "required",
// "default" (TOML text; absent when required, and for a table), "description", "keys" (a
// table's, or each table's of an array of tables: the same shape, at any depth)}], "ports":
// [{"name", "kind" (signal, event, table), "type", "direction" (publishes, subscribes),
// "meaning", "default_name" (the name with {key} placeholders filled from the keys'
// defaults, present when that differs)}]}. A table is required when a key in it is.
nlohmann::json describe_plugin(const Descriptor& descriptor);

}  // namespace mirari::host
