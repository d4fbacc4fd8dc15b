// Carrying a daemon's state over a restart: at start, the saved state file (state_file.hpp)
// gives the new instances their snapshots and names the instances to load again; while the
// daemon runs, the file is rewritten whenever instances change, at an interval, and at a
// clean stop.
//
// Invariants:
// - The file is only ever replaced whole (atomic_file.hpp): a daemon killed at any moment
//   leaves the state of its last save.
// - What the held-out instance (crash_marker.hpp) had saved is carried from save to save
//   until it is loaded again, so keeping it out loses none of its state.
// - A failure to write (a full disk) is logged and changes nothing else.
// Graph thread.
#pragma once

#include <filesystem>
#include <string>

#include "state_file.hpp"

namespace spdlog {
class logger;
}

namespace mirari::host {

class PluginManager;

class RestartState {
 public:
  RestartState(std::filesystem::path file, spdlog::logger& log);

  // Reads the saved state (a corrupt file is set aside, with a log line) and offers its
  // snapshots to the instances loaded from now on.
  void begin(PluginManager& plugins);
  // Loads again the instances the previous daemon had loaded at run time, except the held
  // out one and those of a name already loaded; then drops the snapshots nobody took.
  void load_runtime_instances(PluginManager& plugins);
  // Writes the running instances' state: those loaded at run time, every instance's
  // snapshot(), and what is carried for the held-out instance.
  void save(const PluginManager& plugins);

  const std::filesystem::path& file() const noexcept { return file_; }

 private:
  std::filesystem::path file_;
  spdlog::logger& log_;
  SavedState saved_;    // as read at start
  SavedState carried_;  // the held-out instance's part of saved_
  std::string last_failure_;
};

}  // namespace mirari::host
