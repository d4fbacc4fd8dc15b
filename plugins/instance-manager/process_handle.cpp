#include "process_handle.hpp"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <system_error>

#include "proc_start_time.hpp"

namespace mirari::instances {

namespace {

[[noreturn]] void fail(int error, const std::string& what) {
  throw std::system_error(error, std::generic_category(), what);
}

// Through syscall(2): glibc 2.36's <sys/pidfd.h> declares these without C linkage, so C++
// code cannot link against them.
int pidfd_open(pid_t pid) {
  return static_cast<int>(::syscall(SYS_pidfd_open, pid, 0U));
}
int pidfd_send_signal(int pidfd, int sig) {
  return static_cast<int>(::syscall(SYS_pidfd_send_signal, pidfd, sig, nullptr, 0U));
}

// NULL-terminated argument vectors pointing into strings that outlive them.
std::vector<char*> pointers(const std::vector<std::string>& strings) {
  std::vector<char*> out;
  out.reserve(strings.size() + 1);
  for (const std::string& s : strings) out.push_back(const_cast<char*>(s.c_str()));
  out.push_back(nullptr);
  return out;
}

class FileActions {
 public:
  FileActions() { ::posix_spawn_file_actions_init(&actions_); }
  ~FileActions() { ::posix_spawn_file_actions_destroy(&actions_); }
  FileActions(const FileActions&) = delete;
  FileActions& operator=(const FileActions&) = delete;
  posix_spawn_file_actions_t* get() noexcept { return &actions_; }

 private:
  posix_spawn_file_actions_t actions_;
};

class SpawnAttributes {
 public:
  SpawnAttributes() { ::posix_spawnattr_init(&attributes_); }
  ~SpawnAttributes() { ::posix_spawnattr_destroy(&attributes_); }
  SpawnAttributes(const SpawnAttributes&) = delete;
  SpawnAttributes& operator=(const SpawnAttributes&) = delete;
  posix_spawnattr_t* get() noexcept { return &attributes_; }

 private:
  posix_spawnattr_t attributes_;
};

// Kills and reaps a child this process cannot keep track of.
void discard(pid_t pid) {
  ::kill(pid, SIGKILL);
  while (::waitpid(pid, nullptr, 0) < 0 && errno == EINTR) {
  }
}

}  // namespace

ProcessHandle::ProcessHandle(boost::asio::any_io_executor io, int pidfd, pid_t pid,
                             std::uint64_t start_time)
    : pidfd_(std::move(io), pidfd), fd_(pidfd), pid_(pid), start_time_(start_time) {}

ProcessHandle::~ProcessHandle() = default;

std::unique_ptr<ProcessHandle> ProcessHandle::spawn(boost::asio::any_io_executor io,
                                                    const Launch& launch) {
  const std::string what = "cannot start '" + launch.command + "'";
  FileActions actions;
  int error =
      ::posix_spawn_file_actions_addopen(actions.get(), STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  if (error == 0) {
    error = ::posix_spawn_file_actions_addopen(actions.get(), STDOUT_FILENO, launch.log.c_str(),
                                               O_WRONLY | O_CREAT | O_APPEND, 0640);
  }
  if (error == 0) error = ::posix_spawn_file_actions_adddup2(actions.get(), STDOUT_FILENO, 2);
  if (error == 0) {
    error = ::posix_spawn_file_actions_addchdir_np(actions.get(), launch.directory.c_str());
  }
  if (error == 0) error = ::posix_spawn_file_actions_addclosefrom_np(actions.get(), 3);
  if (error != 0) fail(error, what);

  SpawnAttributes attributes;
  sigset_t none;
  sigemptyset(&none);
  sigset_t all;
  sigfillset(&all);
  sigdelset(&all, SIGKILL);
  sigdelset(&all, SIGSTOP);
  error = ::posix_spawnattr_setflags(
      attributes.get(), POSIX_SPAWN_SETSID | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
  if (error == 0) error = ::posix_spawnattr_setsigmask(attributes.get(), &none);
  if (error == 0) error = ::posix_spawnattr_setsigdefault(attributes.get(), &all);
  if (error != 0) fail(error, what);

  std::vector<std::string> argv{launch.command};
  argv.insert(argv.end(), launch.args.begin(), launch.args.end());
  auto arguments = pointers(argv);
  auto environment = pointers(launch.environment);
  pid_t pid = -1;
  // glibc's posix_spawn reports a failed exec (or chdir, or open) as its own error.
  error = ::posix_spawn(&pid, launch.command.c_str(), actions.get(), attributes.get(),
                        arguments.data(), environment.data());
  if (error != 0) fail(error, what);

  // The child is not reaped before the pidfd is open, so the pid is still its own here.
  const int pidfd = pidfd_open(pid);
  if (pidfd < 0) {
    const int saved = errno;
    discard(pid);
    fail(saved, what + ": no pidfd for pid " + std::to_string(pid));
  }
  const auto start_time = read_start_time(pid);
  if (!start_time) {
    ::close(pidfd);
    discard(pid);
    fail(EIO, what + ": /proc/" + std::to_string(pid) + "/stat cannot be read");
  }
  return std::unique_ptr<ProcessHandle>(new ProcessHandle(std::move(io), pidfd, pid, *start_time));
}

std::unique_ptr<ProcessHandle> ProcessHandle::adopt(boost::asio::any_io_executor io, pid_t pid,
                                                    std::uint64_t start_time) {
  if (pid <= 0) return nullptr;
  const int pidfd = pidfd_open(pid);
  if (pidfd < 0) return nullptr;
  // Read after the pidfd is open: if the start time matches now, the pidfd holds the process
  // that had it, which can no longer be replaced under that pid.
  if (read_start_time(pid) != start_time) {
    ::close(pidfd);
    return nullptr;
  }
  return std::unique_ptr<ProcessHandle>(new ProcessHandle(std::move(io), pidfd, pid, start_time));
}

void ProcessHandle::on_exit(std::function<void()> ended) {
  pidfd_.async_wait(boost::asio::posix::descriptor_base::wait_read,
                    [ended = std::move(ended)](const boost::system::error_code& error) {
                      if (!error) ended();
                    });
}

bool ProcessHandle::signal(int sig) const {
  return pidfd_send_signal(fd_, sig) == 0;
}

std::optional<int> ProcessHandle::reap() {
  siginfo_t info{};
  int result;
  do {
    result =
        ::waitid(static_cast<idtype_t>(P_PIDFD), static_cast<id_t>(fd_), &info, WEXITED | WNOHANG);
  } while (result < 0 && errno == EINTR);
  if (result < 0 || info.si_pid == 0) return std::nullopt;
  if (info.si_code == CLD_EXITED) return info.si_status;
  return 128 + info.si_status;
}

}  // namespace mirari::instances
