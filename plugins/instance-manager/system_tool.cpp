#include "system_tool.hpp"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <stdexcept>
#include <system_error>

#include "mirari/unique_fd.hpp"

extern char** environ;

namespace mirari::instances {

namespace {

[[noreturn]] void fail(int error, const std::string& what) {
  throw std::system_error(error, std::generic_category(), what);
}

int wait_for(pid_t pid) {
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) return -1;
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

std::string last_line(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  const std::size_t newline = text.rfind('\n');
  return newline == std::string::npos ? text : text.substr(newline + 1);
}

}  // namespace

ToolResult run_tool(const std::vector<std::string>& argv) {
  const std::string what = "cannot run '" + argv.at(0) + "'";
  int ends[2];
  if (::pipe2(ends, O_CLOEXEC) != 0) fail(errno, what);
  UniqueFd reader(ends[0]);
  UniqueFd writer(ends[1]);

  posix_spawn_file_actions_t actions;
  ::posix_spawn_file_actions_init(&actions);
  int error = ::posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  if (error == 0) error = ::posix_spawn_file_actions_adddup2(&actions, writer.get(), 1);
  if (error == 0) error = ::posix_spawn_file_actions_adddup2(&actions, writer.get(), 2);
  if (error == 0) error = ::posix_spawn_file_actions_addclosefrom_np(&actions, 3);
  std::vector<char*> args;
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = -1;
  if (error == 0) {
    error = ::posix_spawn(&pid, argv[0].c_str(), &actions, nullptr, args.data(), environ);
  }
  ::posix_spawn_file_actions_destroy(&actions);
  if (error != 0) fail(error, what);
  writer.reset();

  ToolResult result;
  char buffer[4096];
  for (;;) {
    const ssize_t n = ::read(reader.get(), buffer, sizeof buffer);
    if (n > 0) {
      result.output.append(buffer, static_cast<std::size_t>(n));
    } else if (n == 0 || errno != EINTR) {
      break;
    }
  }
  result.exit_code = wait_for(pid);
  return result;
}

void check_tool(const std::vector<std::string>& argv, const std::string& what) {
  const ToolResult result = run_tool(argv);
  if (result.exit_code == 0) return;
  const std::string said = last_line(result.output);
  throw std::runtime_error(
      what + ": " +
      (said.empty() ? argv[0] + " exited with status " + std::to_string(result.exit_code) : said));
}

std::optional<std::string> find_system_program(const std::string& name) {
  for (const char* directory : {"/usr/sbin/", "/sbin/", "/usr/bin/", "/bin/"}) {
    const std::string path = directory + name;
    if (::access(path.c_str(), X_OK) == 0) return path;
  }
  return std::nullopt;
}

}  // namespace mirari::instances
