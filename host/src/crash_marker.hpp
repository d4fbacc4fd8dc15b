// The marker a crash in a plugin's code leaves in the runtime directory (crash_handler.hpp
// writes it), read at the next start so that mirarid keeps that plugin out instead of
// crashing again: no crash loop under a supervisor that restarts it.
//
//   runtime_dir/crashed-plugin.json
//   {"instance": "...", "plugin": "...", "version": "...", "file": "...", "signal": 11}
//
// Invariant: a marker that exists names one plugin instance and its file; one that cannot be
// read is set aside (renamed with ".unreadable"), never fatal and never read again.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

namespace mirari::host {

struct CrashMarker {
  std::string instance;
  std::string plugin;
  std::string version;
  std::filesystem::path file;
  int signal = 0;
};

// The marker at path, or nullopt when there is none. A marker that cannot be read is renamed
// to path + ".unreadable"; problem then says so (empty otherwise).
std::optional<CrashMarker> read_crash_marker(const std::filesystem::path& path,
                                             std::string& problem);

// Removes the marker at path (nothing when there is none).
void clear_crash_marker(const std::filesystem::path& path);

}  // namespace mirari::host
