// The group's state file (state_dir/GROUP/state.json): what a manager that starts later needs
// to find the instances an earlier one left running, and to keep counting names from where
// it stopped. Replaced atomically (atomic_file.hpp) after every change, so it always holds
// one whole state.
//
//   {"format": 1, "next_serial": 8,
//    "instances": {"web-7": {"instance": InstanceStatus, "spec": InstanceSpec,
//                            "start_time": 81234}}}
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
#include <string>

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

// The state in path: the empty state when there is no such file. Throws std::runtime_error
// naming path when it cannot be read or does not hold a state of this format.
RecordedState read_state_file(const std::filesystem::path& path);

// Replaces path with state. Throws std::system_error naming path (see atomic_file.hpp).
void write_state_file(const std::filesystem::path& path, const RecordedState& state);

}  // namespace mirari::instances
