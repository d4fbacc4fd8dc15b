// CPU time of a process, from /proc/<pid>/stat (see proc(5)), and its share of one CPU
// between two readings.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string_view>

namespace mirari::load {

struct CpuTimes {
  std::uint64_t utime = 0;  // clock ticks in user mode
  std::uint64_t stime = 0;  // clock ticks in kernel mode
  std::uint64_t total() const noexcept { return utime + stime; }
  friend bool operator==(const CpuTimes&, const CpuTimes&) = default;
};

// Parses the contents of a stat file. The process name (field 2) is in parentheses and may
// itself hold spaces and parentheses, so fields are counted from the last ')'. None when
// the text is not a stat line.
std::optional<CpuTimes> parse_proc_stat(std::string_view text);

// Reads /proc/<pid>/stat; none when the process does not exist (any more) or cannot be read.
std::optional<CpuTimes> read_proc_stat(pid_t pid);

// The share of one CPU used between two readings taken `elapsed` apart:
// Δ(utime+stime) / (elapsed × ticks_per_second). 0 for a non-positive elapsed time or a
// counter that went backwards (a different process under the same pid).
double cpu_share(const CpuTimes& before, const CpuTimes& after,
                 std::chrono::steady_clock::duration elapsed, long ticks_per_second);

}  // namespace mirari::load
