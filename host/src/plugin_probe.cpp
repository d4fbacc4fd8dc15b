#include "plugin_probe.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "bounded_json.hpp"
#include "mirari/plugin_library.hpp"
#include "mirari/unique_fd.hpp"
#include "plugin_description.hpp"

namespace mirari::host {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

constexpr int kFatalSignals[] = {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGTRAP, SIGSYS};

void write_all(int fd, const std::string& text) {
  std::size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    done += static_cast<std::size_t>(n);
  }
}

[[noreturn]] void run_child(int report, const fs::path& copy, const fs::path& shown) {
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);
  struct sigaction default_action {};
  default_action.sa_handler = SIG_DFL;
  for (const int signal : kFatalSignals) ::sigaction(signal, &default_action, nullptr);
  json out;
  try {
    const auto library = PluginLibrary::open_copy(copy, shown, true);
    out = {{"ok", true}, {"description", describe_plugin(library->descriptor())}};
    write_all(report, out.dump(-1, ' ', false, json::error_handler_t::replace));
  } catch (const std::exception& e) {
    write_all(report, json({{"ok", false}, {"error", e.what()}})
                          .dump(-1, ' ', false, json::error_handler_t::replace));
  }
  // Neither the library's destructors nor the daemon's atexit handlers run here.
  ::_exit(0);
}

// Reads everything the child writes until it closes the pipe, or until deadline.
bool read_report(int fd, std::chrono::steady_clock::time_point deadline, std::string& report) {
  char buffer[4096];
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    pollfd p{fd, POLLIN, 0};
    const int ready = ::poll(&p, 1, static_cast<int>(left.count()));
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) return false;
    const ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return true;
    report.append(buffer, static_cast<std::size_t>(n));
  }
}

std::string death(int status) {
  if (WIFSIGNALED(status)) {
    const int signal = WTERMSIG(status);
    const char* name = ::sigabbrev_np(signal);
    return "opening it killed the trial process with signal " + std::to_string(signal) + " (SIG" +
           (name != nullptr ? name : "?") + ": " + ::strsignal(signal) + ")";
  }
  return "the trial process that opened it exited with status " +
         std::to_string(WEXITSTATUS(status)) + " without a report";
}

}  // namespace

json probe_plugin(const fs::path& copy, const fs::path& shown, std::chrono::milliseconds timeout) {
  const auto refuse = [&](const std::string& why) {
    return PluginLoadError(shown.string() + ": " + why + "; mirarid did not load it");
  };
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) {
    throw refuse(std::string("cannot start a trial process: ") + std::strerror(errno));
  }
  UniqueFd in(fds[0]), out(fds[1]);
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  const pid_t child = ::fork();
  if (child < 0) throw refuse(std::string("cannot start a trial process: ") + std::strerror(errno));
  if (child == 0) run_child(out.get(), copy, shown);
  out.reset();

  std::string report;
  const bool finished = read_report(in.get(), deadline, report);
  if (!finished) ::kill(child, SIGKILL);
  int status = 0;
  while (::waitpid(child, &status, 0) < 0 && errno == EINTR) {
  }
  if (!finished) {
    throw refuse("opening it did not finish within " +
                 std::to_string(std::chrono::duration_cast<std::chrono::seconds>(timeout).count()) +
                 " s in a trial process");
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || report.empty()) throw refuse(death(status));
  json answer;
  try {
    answer = parse_bounded_json(report, 1024);
  } catch (const BadJson& e) {
    throw refuse(std::string("the trial process's report cannot be read: ") + e.what());
  }
  if (!answer.value("ok", false)) throw PluginLoadError(answer.value("error", shown.string()));
  return answer["description"];
}

}  // namespace mirari::host
