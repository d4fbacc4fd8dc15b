// The group's state file (state_dir/GROUP/state.json): what a manager that starts later needs
// to find the instances an earlier one left running, and to keep counting names from where
// it stopped.
//
// The file is a whole state on its first line, followed by the changes made since, one line
// each, appended in the order they were made:
//
//   {"format": 1, "next_serial": 8,
//    "instances": {"web-7": {"instance": InstanceStatus, "spec": InstanceSpec,
//                            "start_time": 81234}}}
//   {"next_serial": 9, "instances": {"web-8": {...}, "web-7": null}}
//
// A change line names each instance it changes with its whole record, or null when the
// instance is gone. The state is the first line with every change applied in order. A last
// line without its newline is a change whose append was cut short (a crash): it is ignored,
// as its append never returned, so nothing was done on the strength of it. write_state_file()
// replaces the file atomically (atomic_file.hpp) with a whole state and no changes, so the
// file always holds one whole state; appending keeps the cost of recording a change in
// proportion to the change (state_recorder.hpp decides when to write the whole again).
//
// start_time is the process's /proc/<pid>/stat start time (proc_start_time.hpp), so that a
// pid the kernel gave to another process since is never taken for the instance's. The xen
// backend records instead "domain_uuid" (left out for processes), the UUID it gave the
// domain before creating it, and 0 as start_time: its identity across restarts
// (xen_adoption.hpp).
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>

#include "atomic_file.hpp"
#include "instance_types.hpp"

namespace mirari::instances {

struct RecordedInstance {
  InstanceStatus instance;
  InstanceSpec spec;
  std::uint64_t start_time = 0;
  std::string domain_uuid;  // xen backend only
  friend bool operator==(const RecordedInstance&, const RecordedInstance&) = default;
};

struct RecordedState {
  std::uint64_t next_serial = 1;
  std::map<std::string, RecordedInstance> instances;
  friend bool operator==(const RecordedState&, const RecordedState&) = default;
};

// Changes to a state: next_serial, and each named instance's new record (none: it is gone).
struct StateChanges {
  std::uint64_t next_serial = 1;
  std::map<std::string, std::optional<RecordedInstance>> instances;
};

// state with changes applied.
void apply_state_changes(RecordedState& state, const StateChanges& changes);

// The state in path (its first line with the changes after it applied): the empty state when
// there is no such file. A file written whole by an earlier format (a state over several
// lines, with no changes) is read too. Throws std::runtime_error naming path when it cannot be
// read or does not hold a state of this format.
RecordedState read_state_file(const std::filesystem::path& path);

// Replaces path with state, on one line, and no changes, as far as flush says. Throws
// std::system_error naming path (see atomic_file.hpp).
void write_state_file(const std::filesystem::path& path, const RecordedState& state,
                      Flush flush = Flush::to_disk);

// Appends changes to path, a file write_state_file() made, as one line, written as far as
// flush says (to_disk: fdatasync) before it returns. Throws std::system_error naming path
// when path cannot be opened (it is never created here), written or flushed; part of the line
// may then be in the file, so the caller must replace the file whole (write_state_file())
// before it appends again.
void append_state_changes(const std::filesystem::path& path, const StateChanges& changes,
                          Flush flush = Flush::to_disk);

}  // namespace mirari::instances
