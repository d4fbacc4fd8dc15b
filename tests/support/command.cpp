#include "command.hpp"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <stdexcept>
#include <system_error>
#include <utility>

extern char** environ;

namespace mirari::testing {

namespace {

[[noreturn]] void fail(const std::string& what) {
  throw std::system_error(errno, std::generic_category(), what);
}

class Fd {
 public:
  explicit Fd(int fd = -1) noexcept : fd_(fd) {}
  Fd(Fd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  Fd& operator=(Fd&&) = delete;
  ~Fd() { close(); }
  int get() const noexcept { return fd_; }
  void close() noexcept {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

 private:
  int fd_;
};

// A started child; killed and reaped if it is still there when this goes.
class Child {
 public:
  explicit Child(pid_t pid) noexcept : pid_(pid) {}
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;
  ~Child() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGKILL);
    int status = 0;
    while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
    }
  }
  int wait() {
    int status = 0;
    while (::waitpid(pid_, &status, 0) < 0) {
      if (errno != EINTR) fail("waitpid");
    }
    pid_ = -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }

 private:
  pid_t pid_;
};

class SpawnActions {
 public:
  SpawnActions() { ::posix_spawn_file_actions_init(&actions_); }
  ~SpawnActions() { ::posix_spawn_file_actions_destroy(&actions_); }
  SpawnActions(const SpawnActions&) = delete;
  SpawnActions& operator=(const SpawnActions&) = delete;
  posix_spawn_file_actions_t* get() { return &actions_; }

 private:
  posix_spawn_file_actions_t actions_;
};

std::string quoted(const std::vector<std::string>& argv) {
  std::string text;
  for (const auto& arg : argv) text += (text.empty() ? "" : " ") + arg;
  return text;
}

pid_t spawn(const std::vector<std::string>& argv, SpawnActions& actions) {
  std::vector<char*> args;
  for (const auto& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
  args.push_back(nullptr);
  pid_t pid = 0;
  if (const int error = ::posix_spawnp(&pid, args[0], actions.get(), nullptr, args.data(), environ);
      error != 0) {
    errno = error;
    fail("cannot start '" + quoted(argv) + "'");
  }
  return pid;
}

}  // namespace

CommandResult run_command(const std::vector<std::string>& argv, const std::string& input) {
  // The input lives in a memory file rather than a pipe, so that a child that writes a lot
  // before reading everything cannot dead-lock against us.
  Fd in(::memfd_create("command-input", MFD_CLOEXEC));
  if (in.get() < 0) fail("memfd_create");
  for (std::size_t written = 0; written < input.size();) {
    const ssize_t n = ::write(in.get(), input.data() + written, input.size() - written);
    if (n < 0) fail("write");
    written += static_cast<std::size_t>(n);
  }
  if (::lseek(in.get(), 0, SEEK_SET) < 0) fail("lseek");

  int ends[2];
  if (::pipe2(ends, O_CLOEXEC) != 0) fail("pipe2");
  Fd out_read(ends[0]);
  Fd out_write(ends[1]);

  SpawnActions actions;
  ::posix_spawn_file_actions_adddup2(actions.get(), in.get(), STDIN_FILENO);
  ::posix_spawn_file_actions_adddup2(actions.get(), out_write.get(), STDOUT_FILENO);
  ::posix_spawn_file_actions_adddup2(actions.get(), out_write.get(), STDERR_FILENO);
  Child child(spawn(argv, actions));
  out_write.close();

  CommandResult result{0, {}};
  char buffer[4096];
  for (;;) {
    const ssize_t n = ::read(out_read.get(), buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    result.output.append(buffer, static_cast<std::size_t>(n));
  }
  result.exit_code = child.wait();
  return result;
}

std::string check_command(const std::vector<std::string>& argv, const std::string& input) {
  CommandResult result = run_command(argv, input);
  if (result.exit_code != 0) {
    throw std::runtime_error("'" + quoted(argv) + "' exited with " +
                             std::to_string(result.exit_code) + ": " + result.output);
  }
  return std::move(result.output);
}

BackgroundCommand::BackgroundCommand(const std::vector<std::string>& argv) {
  SpawnActions actions;
  pid_ = spawn(argv, actions);
}

// Child kills and reaps.
BackgroundCommand::~BackgroundCommand() {
  Child child(pid_);
}

}  // namespace mirari::testing
