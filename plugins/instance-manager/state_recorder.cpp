#include "state_recorder.hpp"

#include <algorithm>
#include <utility>

namespace mirari::instances {

StateRecorder::StateRecorder(std::filesystem::path path, Flush flush, std::size_t min_changes)
    : path_(std::move(path)), flush_(flush), min_changes_(min_changes) {}

void StateRecorder::rewrite(RecordedState state) {
  state_ = std::move(state);
  whole_needed_ = true;
  write_state_file(path_, state_, flush_);
  whole_needed_ = false;
  appended_ = 0;
}

void StateRecorder::record(const StateChanges& changes) {
  apply_state_changes(state_, changes);
  appended_ += changes.instances.size();
  if (whole_needed_ || appended_ > std::max(min_changes_, state_.instances.size())) {
    whole_needed_ = true;
    write_state_file(path_, state_, flush_);
    whole_needed_ = false;
    appended_ = 0;
    return;
  }
  whole_needed_ = true;
  append_state_changes(path_, changes, flush_);
  whole_needed_ = false;
}

}  // namespace mirari::instances
