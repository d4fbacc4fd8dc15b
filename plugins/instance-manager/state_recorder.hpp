// Keeps a group's state file (state_file.hpp) in step with a backend's instances at a cost
// that follows the change: each record() appends the changed instances alone, and the file is
// rewritten whole only once the changes appended since the last whole write outnumber the
// instances (at least kMinChanges), so a rewrite costs no more than the appends before it.
//
// Invariant: once record() or rewrite() returns, the file reads back (read_state_file) as
// state(); when one throws, state() already holds the change and the next call writes the
// whole file, so a failed or cut-short append is never followed by another.
#pragma once

#include <cstddef>
#include <filesystem>

#include "state_file.hpp"

namespace mirari::instances {

class StateRecorder {
 public:
  static constexpr std::size_t kMinChanges = 64;

  // Records into path, each write as far as flush says (atomic_file.hpp); nothing is read or
  // written until the first call below.
  StateRecorder(std::filesystem::path path, Flush flush, std::size_t min_changes = kMinChanges);

  // What the file holds once the last call succeeded.
  const RecordedState& state() const { return state_; }

  // Replaces the file with state, whole. Throws std::system_error naming the path.
  void rewrite(RecordedState state);
  // Applies changes to state() and records them: appended, or the whole file rewritten (see
  // above). Throws std::system_error naming the path.
  void record(const StateChanges& changes);

 private:
  std::filesystem::path path_;
  Flush flush_;
  std::size_t min_changes_;
  RecordedState state_;
  std::size_t appended_ = 0;  // instance changes appended since the last whole write
  bool whole_needed_ = true;  // no whole write yet, or the last call failed
};

}  // namespace mirari::instances
