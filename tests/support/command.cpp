#include "command.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <stdexcept>
#include <system_error>
#include <utility>

#include "child_process.hpp"

namespace mirari::testing {

namespace {

[[noreturn]] void fail(const std::string& what) {
  throw std::system_error(errno, std::generic_category(), what);
}

class Fd {
 public:
  explicit Fd(int fd = -1) noexcept : fd_(fd) {}
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() { close(); }
  int get() const noexcept { return fd_; }
  void close() noexcept {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

 private:
  int fd_;
};

std::string quoted(const std::vector<std::string>& argv) {
  std::string text;
  for (const auto& arg : argv) text += (text.empty() ? "" : " ") + arg;
  return text;
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
  ChildProcess child(argv, {in.get(), out_write.get(), out_write.get()});
  out_write.close();

  CommandResult result{0, {}};
  char buffer[4096];
  for (;;) {
    const ssize_t n = ::read(out_read.get(), buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    result.output.append(buffer, static_cast<std::size_t>(n));
  }
  result.exit_code = child.wait_for_exit();
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

}  // namespace mirari::testing
