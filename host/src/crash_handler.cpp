#include "crash_handler.hpp"

#include <execinfo.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/mman.h>
#include <ucontext.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstring>

#include "plugin_code.hpp"

namespace mirari::host {

namespace {

constexpr int kFatalSignals[] = {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGTRAP, SIGSYS};
constexpr std::size_t kAltStack = 64 * 1024;

char marker_path[4096] = {};
char marker_temp[4096] = {};

// --- formatting without allocation ---

class Line {
 public:
  void add(const char* text) {
    while (*text != '\0' && size_ < sizeof text_ - 1) text_[size_++] = *text++;
  }
  void add_decimal(std::uintptr_t value) {
    char digits[24];
    int n = 0;
    do {
      digits[n++] = static_cast<char>('0' + value % 10);
      value /= 10;
    } while (value != 0);
    while (n > 0 && size_ < sizeof text_ - 1) text_[size_++] = digits[--n];
  }
  void add_hex(std::uintptr_t value) {
    add("0x");
    char digits[2 * sizeof value];
    int n = 0;
    do {
      digits[n++] = "0123456789abcdef"[value & 0xf];
      value >>= 4;
    } while (value != 0);
    while (n > 0 && size_ < sizeof text_ - 1) text_[size_++] = digits[--n];
  }
  void write_to(int fd) const {
    std::size_t done = 0;
    while (done < size_) {
      const ssize_t n = ::write(fd, text_ + done, size_ - done);
      if (n <= 0) return;
      done += static_cast<std::size_t>(n);
    }
  }

 private:
  char text_[2048];
  std::size_t size_ = 0;
};

const char* signal_name(int signal) {
  switch (signal) {
    case SIGSEGV:
      return "SIGSEGV";
    case SIGBUS:
      return "SIGBUS";
    case SIGILL:
      return "SIGILL";
    case SIGFPE:
      return "SIGFPE";
    case SIGABRT:
      return "SIGABRT";
    case SIGTRAP:
      return "SIGTRAP";
    case SIGSYS:
      return "SIGSYS";
  }
  return "a fatal signal";
}

std::uintptr_t instruction_of(void* context) {
  const auto* uc = static_cast<const ucontext_t*>(context);
#if defined(__x86_64__)
  return static_cast<std::uintptr_t>(uc->uc_mcontext.gregs[REG_RIP]);
#elif defined(__aarch64__)
  return static_cast<std::uintptr_t>(uc->uc_mcontext.pc);
#else
  (void)uc;
  return 0;
#endif
}

void write_marker(const PluginCode& code, int signal) {
  Line text;
  text.add(code.marker);
  text.add_decimal(static_cast<std::uintptr_t>(signal));
  text.add("}\n");
  const int fd = ::open(marker_temp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return;
  text.write_to(fd);
  ::fsync(fd);
  ::close(fd);
  ::rename(marker_temp, marker_path);
}

void on_fatal_signal(int signal, siginfo_t* info, void* context) {
  const std::uintptr_t pc = instruction_of(context);
  const PluginCode* culprit = plugin_code_at(pc);
  if (culprit == nullptr) {
    void* frames[64];
    culprit = plugin_code_on_stack(frames, ::backtrace(frames, 64));
  }
  Line line;
  line.add("mirarid: fatal signal ");
  line.add(signal_name(signal));
  line.add(" (");
  line.add_decimal(static_cast<std::uintptr_t>(signal));
  line.add(") at instruction ");
  line.add_hex(pc);
  if (signal == SIGSEGV || signal == SIGBUS) {
    line.add(", address ");
    line.add_hex(reinterpret_cast<std::uintptr_t>(info->si_addr));
  }
  if (culprit != nullptr) {
    line.add(", in the code of ");
    line.add(culprit->name);
    line.add("; crash marker ");
    line.add(marker_path);
    line.add(": it stays unloaded at the next start\n");
  } else {
    line.add(", not in a plugin's code\n");
  }
  line.write_to(STDERR_FILENO);
  if (culprit != nullptr && marker_path[0] != '\0') write_marker(*culprit, signal);
  // SA_RESETHAND restored the default action: the signal, pending until this returns, ends
  // the process as it would have without the handler.
  ::raise(signal);
}

void copy(char* into, std::size_t size, const std::string& text) {
  const std::size_t n = std::min(size - 1, text.size());
  std::memcpy(into, text.data(), n);
  into[n] = '\0';
}

}  // namespace

void install_thread_altstack() {
  // A thread that has one big enough keeps it: AddressSanitizer installs its own and unmaps
  // whatever stack is installed when the thread ends.
  stack_t current{};
  if (::sigaltstack(nullptr, &current) == 0 && (current.ss_flags & SS_DISABLE) == 0 &&
      current.ss_size >= kAltStack) {
    return;
  }
  // Mapped, not allocated, so that whoever unmaps it at thread exit may. Kept otherwise: the
  // thread may crash until the process ends.
  void* memory =
      ::mmap(nullptr, kAltStack, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (memory == MAP_FAILED) return;  // no alternate stack: a stack overflow goes unnamed
  stack_t stack{};
  stack.ss_sp = memory;
  stack.ss_size = kAltStack;
  ::sigaltstack(&stack, nullptr);
}

void install_crash_handler(const std::filesystem::path& marker) {
  copy(marker_path, sizeof marker_path, marker.string());
  copy(marker_temp, sizeof marker_temp, marker.string() + ".new");
  // The first backtrace() loads the unwinder, which allocates: done here, not in the handler.
  void* warm[2];
  ::backtrace(warm, 2);
  install_thread_altstack();
  struct sigaction action {};
  action.sa_sigaction = on_fatal_signal;
  action.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_RESETHAND;
  ::sigemptyset(&action.sa_mask);
  for (const int signal : kFatalSignals) ::sigaction(signal, &action, nullptr);
}

}  // namespace mirari::host
