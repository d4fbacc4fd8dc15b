// What the instance manager accepts as a group's or an extra's name, and as a spec it can
// run. Configuration and instances.desired.extra are checked against the same rules.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "instance_types.hpp"

namespace mirari::instances {

// A group name or a key of instances.desired.extra: what instance names start with, what
// their directories are named after, and for a group part of the port scale.GROUP.desired.
// Shorter than the catalogue allows a group name (ports::is_group_name), so that NAME-N, N
// any serial, fits the 64 bytes the load monitor takes for an instance's name.
inline constexpr std::size_t kMaxSlotNameLength = 40;

// A group name (ports::is_group_name: letters, digits, '-' or '_') of at most
// kMaxSlotNameLength bytes.
bool is_slot_name(std::string_view name);

struct SpecProblem {
  std::string field;    // "command", "args" or "env"
  std::string message;  // one sentence
};

// Why spec cannot be run; none when it can. Checked: command is a non-empty absolute path;
// every env entry is NAME=value with NAME a shell variable name; no string holds a NUL byte.
std::optional<SpecProblem> spec_problem(const InstanceSpec& spec);

}  // namespace mirari::instances
