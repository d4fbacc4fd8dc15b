// When a process started, from /proc/<pid>/stat (proc(5), field 22 "starttime": clock ticks
// after boot). A pid and its start time together name one process for the machine's uptime:
// a pid the kernel hands to a new process comes with a later start time.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string_view>

namespace mirari::instances {

// Parses the contents of a stat file. The process name (field 2) is in parentheses and may
// itself hold spaces and parentheses, so fields are counted from the last ')'. None when the
// text is not a stat line.
std::optional<std::uint64_t> parse_start_time(std::string_view stat);

// Reads /proc/<pid>/stat; none when no process (not even an unreaped one) has that pid, or
// it cannot be read.
std::optional<std::uint64_t> read_start_time(pid_t pid);

}  // namespace mirari::instances
