#include "ofctl.hpp"

#include <fcntl.h>
#include <spawn.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstring>

#include <mirari/unique_fd.hpp>

extern char** environ;

namespace mirari::openflow {

namespace {

std::string trimmed(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  return text;
}

std::string system_error(const std::string& what) {
  return what + ": " + std::strerror(errno);
}

// A descriptor holding input, at offset 0, to be the child's stdin.
UniqueFd input_file(const std::string& input) {
  UniqueFd fd(::memfd_create("mirari-openflow-bundle", MFD_CLOEXEC));
  if (!fd) throw OfctlError(system_error("cannot make the bundle file"));
  std::size_t done = 0;
  while (done < input.size()) {
    const ssize_t n = ::write(fd.get(), input.data() + done, input.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw OfctlError(system_error("cannot write the bundle file"));
    done += static_cast<std::size_t>(n);
  }
  ::lseek(fd.get(), 0, SEEK_SET);
  return fd;
}

}  // namespace

std::string Ofctl::target(const std::string& bridge) const {
  return "unix:" + (rundir_ / (bridge + ".mgmt")).string();
}

std::filesystem::path Ofctl::socket(const std::string& bridge) const {
  return rundir_ / (bridge + ".mgmt");
}

std::string Ofctl::run(const std::vector<std::string>& args, const std::string& input) const {
  std::vector<std::string> argv = {program_, "-O", "OpenFlow14",
                                   "--timeout=" + std::to_string(timeout_.count())};
  argv.insert(argv.end(), args.begin(), args.end());
  std::vector<char*> raw;
  for (std::string& a : argv) raw.push_back(a.data());
  raw.push_back(nullptr);

  int pipe_fds[2];
  if (::pipe2(pipe_fds, O_CLOEXEC) != 0) throw OfctlError(system_error("cannot make a pipe"));
  UniqueFd read_end(pipe_fds[0]);
  UniqueFd write_end(pipe_fds[1]);
  UniqueFd in = input_file(input);

  posix_spawn_file_actions_t actions;
  ::posix_spawn_file_actions_init(&actions);
  ::posix_spawn_file_actions_adddup2(&actions, in.get(), STDIN_FILENO);
  ::posix_spawn_file_actions_adddup2(&actions, write_end.get(), STDOUT_FILENO);
  ::posix_spawn_file_actions_adddup2(&actions, write_end.get(), STDERR_FILENO);
  pid_t pid = -1;
  const int spawned =
      ::posix_spawnp(&pid, program_.c_str(), &actions, nullptr, raw.data(), environ);
  ::posix_spawn_file_actions_destroy(&actions);
  if (spawned != 0) {
    throw OfctlError("cannot run " + program_ + ": " + std::strerror(spawned));
  }
  write_end.reset();

  std::string output;
  char buffer[8192];
  for (;;) {
    const ssize_t n = ::read(read_end.get(), buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    output.append(buffer, static_cast<std::size_t>(n));
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return output;
  output = trimmed(std::move(output));
  if (output.empty()) {
    output = program_ + " " + args.front() + " ended with status " +
             std::to_string(WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
  }
  throw OfctlError(output);
}

void Ofctl::apply(const std::string& bridge, const std::string& bundle) const {
  try {
    run({"bundle", target(bridge), "-"}, bundle);
  } catch (const OfctlError& e) {
    // ovs-ofctl names a line it cannot read "-:N:" (its standard input): quote that line.
    const std::string what = e.what();
    const std::size_t at = what.find(" -:");
    if (at == std::string::npos) throw;
    std::size_t line = 0;
    const char* first = what.data() + at + 3;
    const auto [end, ec] = std::from_chars(first, what.data() + what.size(), line);
    if (ec != std::errc() || *end != ':' || line == 0) throw;
    std::size_t begin = 0;
    for (std::size_t n = 1; n < line && begin != std::string::npos; ++n) {
      begin = bundle.find('\n', begin);
      if (begin != std::string::npos) ++begin;
    }
    if (begin == std::string::npos || begin >= bundle.size()) throw;
    const std::string text = bundle.substr(begin, bundle.find('\n', begin) - begin);
    throw OfctlError(what.substr(0, at) + " " + what.substr(end - what.data() + 2) + " (in '" +
                     text + "')");
  }
}

}  // namespace mirari::openflow
