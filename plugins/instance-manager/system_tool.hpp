// Running a system tool (ip, ovs-vsctl) to its end, for the network attachment: its output
// captured for the error it reports, its exit status waited for.
//
// Invariant: run_tool() returns only once the child has been reaped, so no tool outlives the
// call or stays a zombie, whether it succeeds, fails or cannot be read.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace mirari::instances {

struct ToolResult {
  int exit_code = 0;   // 128 + N when signal N ended it
  std::string output;  // its standard output and error, as written
};

// Runs argv (argv[0] an absolute path) with standard input /dev/null and no descriptor of
// this process but the standard ones, and waits for it. Blocks the calling thread. Throws
// std::system_error naming the tool when it cannot be started.
ToolResult run_tool(const std::vector<std::string>& argv);

// The same, throwing std::runtime_error "WHAT: <the tool's last line of output>" unless it
// exits with 0.
void check_tool(const std::vector<std::string>& argv, const std::string& what);

// The absolute path of a program in the system directories (/usr/sbin, /sbin, /usr/bin,
// /bin), found by name, or none.
std::optional<std::string> find_system_program(const std::string& name);

}  // namespace mirari::instances
