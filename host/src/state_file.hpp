// What mirarid keeps in its runtime directory so that a restarted daemon continues where the
// previous one was: the plugin instances loaded at run time (not from the configuration
// file), and every instance's last snapshot.
//
//   runtime_dir/state.json
//   {"format": 1,
//    "loaded": [{"name": "probe", "file": "/usr/lib/mirari/plugins/probe.so",
//                "origin": "control", "settings": "{\"interval_ms\": 5}"}],
//    "snapshots": [{"instance": "counter", "plugin": "counter", "text": "42"},
//                  {"instance": "blob", "plugin": "blob", "hex": "00ff10"}]}
//
// "settings" (the table given with `mirarictl load`, as JSON text) is there only for an
// instance loaded with settings. A snapshot is kept as "text" when it is valid UTF-8, else as
// "hex". The file is replaced atomically (atomic_file.hpp).
//
// Invariant: read_state either returns everything the file held or nothing; a file that
// cannot be read is set aside (renamed with ".corrupt") so it is never read twice.
#pragma once

#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace mirari::host {

struct SavedInstance {
  std::string name;
  std::filesystem::path file;
  std::string origin;    // "control" or "directory"
  std::string settings;  // the table given with the load, as a JSON object's text; empty: none
  friend bool operator==(const SavedInstance&, const SavedInstance&) = default;
};

struct SavedSnapshot {
  std::string instance;
  std::string plugin;
  std::string state;
  friend bool operator==(const SavedSnapshot&, const SavedSnapshot&) = default;
};

struct SavedState {
  std::vector<SavedInstance> loaded;  // in load order
  std::vector<SavedSnapshot> snapshots;
  friend bool operator==(const SavedState&, const SavedState&) = default;
};

class StateFileError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

std::string state_text(const SavedState& state);
// Throws StateFileError saying what is wrong.
SavedState parse_state(std::string_view text);

// The state saved at path, or nullopt when there is none. A file that cannot be read is
// renamed to path + ".corrupt", and problem says so (empty otherwise).
std::optional<SavedState> read_state(const std::filesystem::path& path, std::string& problem);

// Replaces the state at path. Throws AtomicWriteError (atomic_file.hpp).
void write_state(const std::filesystem::path& path, const SavedState& state);

}  // namespace mirari::host
