// What /proc says of a process, for tests that check real processes whoever their parent is:
// its state and its parent (fields 3 and 4 of /proc/<pid>/stat).
#pragma once

#include <sys/types.h>

#include <fstream>
#include <optional>
#include <sstream>
#include <string>

namespace mirari::testing {

struct ProcStat {
  char state = '?';
  pid_t parent = 0;
};

// None when no process has that pid.
inline std::optional<ProcStat> proc_stat(pid_t pid) {
  std::ifstream file("/proc/" + std::to_string(pid) + "/stat");
  std::ostringstream read;
  read << file.rdbuf();
  const std::string text = read.str();
  const std::size_t close = text.rfind(')');
  if (close == std::string::npos) return std::nullopt;
  std::istringstream rest(text.substr(close + 1));
  ProcStat stat;
  rest >> stat.state >> stat.parent;
  return stat;
}

// Running, not a zombie.
inline bool alive(pid_t pid) {
  const auto stat = proc_stat(pid);
  return stat && stat->state != 'Z';
}

}  // namespace mirari::testing
