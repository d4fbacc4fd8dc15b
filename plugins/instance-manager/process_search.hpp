// Finding a process by an entry of the environment it was started with
// (/proc/<pid>/environ): how a manager recognises an instance that was started but not yet
// recorded when the previous manager stopped. Each instance gets MIRARI_CONFIG=<its own
// config file>, a path no other process of any group is given.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <string_view>

namespace mirari::instances {

// Whether a NUL-separated environment block holds entry exactly ("NAME=value").
bool environment_holds(std::string_view block, std::string_view entry);

// A live process whose initial environment holds entry; none when there is none. Processes
// whose environment cannot be read (other users', zombies) are passed over.
std::optional<pid_t> find_process_with_environment(const std::string& entry);

}  // namespace mirari::instances
