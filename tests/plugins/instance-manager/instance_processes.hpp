// What the instance manager's tests know of the processes it starts: this test's children
// as /proc lists them, whether one is alive (proc_stat.hpp), and killing them all at the end
// of a test (instances outlive the manager by design, so no manager cleans up after a test).
#pragma once

#include <signal.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <system_error>
#include <vector>

#include "proc_stat.hpp"

namespace mirari::testing {

// The program the tests run as instances (test_instance.cpp).
inline const std::filesystem::path kProgram = MIRARI_TEST_INSTANCE;

inline std::string read_file(const std::filesystem::path& path) {
  std::ifstream file(path);
  std::ostringstream text;
  text << file.rdbuf();
  return text.str();
}

// This test's children: all of them, or only the live instances (kProgram, not zombies).
inline std::vector<pid_t> children(bool live_instances_only) {
  std::vector<pid_t> out;
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator("/proc", error)) {
    const std::string name = entry.path().filename();
    pid_t pid = 0;
    if (std::from_chars(name.data(), name.data() + name.size(), pid).ec != std::errc()) continue;
    const auto stat = proc_stat(pid);
    if (!stat || stat->parent != ::getpid()) continue;
    if (live_instances_only) {
      std::error_code unreadable;
      const auto exe = std::filesystem::read_symlink(entry.path() / "exe", unreadable);
      if (unreadable || exe != kProgram || stat->state == 'Z') continue;
    }
    out.push_back(pid);
  }
  std::sort(out.begin(), out.end());
  return out;
}

// Kills and reaps every child of the test when it ends, whatever the test did.
struct KillInstancesAtEnd {
  KillInstancesAtEnd() = default;
  KillInstancesAtEnd(const KillInstancesAtEnd&) = delete;
  KillInstancesAtEnd& operator=(const KillInstancesAtEnd&) = delete;
  ~KillInstancesAtEnd() {
    for (const pid_t pid : children(false)) {
      ::kill(pid, SIGKILL);
      ::waitpid(pid, nullptr, 0);
    }
  }
};

}  // namespace mirari::testing
