// What a plugin library says about itself — name, version, kind, summary and its declared
// configuration keys — as JSON, for `mirarictl describe` and `mirarid --describe`.
#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>

#include "mirari/plugin.hpp"

namespace mirari::host {

// {"plugin", "version", "kind", "summary", "keys": [{"name", "type", "required",
// "default" (TOML text, absent when required), "description"}]}
nlohmann::json describe_plugin(const Descriptor& descriptor);

// Opens file (in a private directory under scratch_dir) only to describe it. Throws
// PluginLoadError.
nlohmann::json describe_plugin_file(const std::filesystem::path& file,
                                    const std::filesystem::path& scratch_dir);

}  // namespace mirari::host
