// What the instance-manager benchmarks share: the trivial command their groups run (and the
// baselines spawn directly), and counting a group's instances by state.
#pragma once

#include <spawn.h>
#include <sys/types.h>

#include <cstddef>
#include <stdexcept>

#include "mirari/ports/instances.hpp"
#include "mirari/testing.hpp"

extern char** environ;

namespace mirari::bench {

inline constexpr const char* kSleepCommand = "/bin/sleep";
inline constexpr const char* kSleepSeconds = "3600";

// Starts kSleepCommand directly, as the baselines do. Throws std::runtime_error when it cannot.
inline pid_t spawn_sleep() {
  char* argv[] = {const_cast<char*>(kSleepCommand), const_cast<char*>(kSleepSeconds), nullptr};
  pid_t pid = 0;
  if (::posix_spawn(&pid, kSleepCommand, nullptr, nullptr, argv, environ) != 0) {
    throw std::runtime_error("posix_spawn failed");
  }
  return pid;
}

// The group's instances in state, as instances.actual holds them now.
inline std::size_t count_in(testing::PluginHarness& h, ports::InstanceState state) {
  std::size_t n = 0;
  for (const auto& [name, instance] : h.value<ports::InstancesActual>(ports::kInstancesActual)) {
    if (instance.state == state) ++n;
  }
  return n;
}

}  // namespace mirari::bench
