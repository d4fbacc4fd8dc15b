// The load generators of one scenario as /proc shows them, whoever their parent is (mirarid,
// or the test once a killed mirarid left them to it), and stopping all of them when a test
// ends, whatever it did: instances outlive mirarid by design, so nothing else would.
#pragma once

#include <signal.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <charconv>
#include <filesystem>
#include <set>
#include <string>
#include <system_error>

#include "proc_stat.hpp"

namespace mirari::scenario {

// The program the scenarios run as instances (load_generator.cpp).
inline const std::filesystem::path kGenerator = MIRARI_LOAD_GENERATOR;

// Live processes (not zombies) running kGenerator whose working directory lies under dir:
// the instances of a manager whose state_dir is dir, and nothing of another test.
inline std::set<pid_t> generators_under(const std::filesystem::path& dir) {
  std::set<pid_t> out;
  const std::string prefix = dir.string() + "/";
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator("/proc", error)) {
    const std::string name = entry.path().filename();
    pid_t pid = 0;
    if (std::from_chars(name.data(), name.data() + name.size(), pid).ec != std::errc()) continue;
    std::error_code unreadable;
    const auto exe = std::filesystem::read_symlink(entry.path() / "exe", unreadable);
    if (unreadable || exe != kGenerator) continue;
    const auto cwd = std::filesystem::read_symlink(entry.path() / "cwd", unreadable);
    if (unreadable || !cwd.string().starts_with(prefix) || !testing::alive(pid)) continue;
    out.insert(pid);
  }
  return out;
}

// Kills every generator under dir when the test ends, and reaps those of them, and every
// zombie, that are the test's children (a killed mirarid leaves its instances to the test
// when the test is their subreaper). Declare it
// after the directory and before the Daemon, so that it runs once mirarid is gone and while
// the directory still names the generators.
class StopGeneratorsAtEnd {
 public:
  explicit StopGeneratorsAtEnd(std::filesystem::path dir) : dir_(std::move(dir)) {}
  StopGeneratorsAtEnd(const StopGeneratorsAtEnd&) = delete;
  StopGeneratorsAtEnd& operator=(const StopGeneratorsAtEnd&) = delete;
  ~StopGeneratorsAtEnd() {
    for (const pid_t pid : generators_under(dir_)) {
      const auto stat = testing::proc_stat(pid);
      ::kill(pid, SIGKILL);
      if (stat && stat->parent == ::getpid()) ::waitpid(pid, nullptr, 0);
    }
    // Those that ended before (killed by the test) wait as zombies.
    while (::waitpid(-1, nullptr, WNOHANG) > 0) {
    }
  }

 private:
  std::filesystem::path dir_;
};

}  // namespace mirari::scenario
