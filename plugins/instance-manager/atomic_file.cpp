#include "atomic_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <string>
#include <system_error>

namespace mirari::instances {

namespace {

[[noreturn]] void fail(int error, const std::string& what) {
  throw std::system_error(error, std::generic_category(), what);
}

class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const noexcept { return fd_; }
  // Closes now, reporting the error close() gives (a delayed write error on some file systems).
  int close() {
    const int result = ::close(fd_);
    fd_ = -1;
    return result;
  }

 private:
  int fd_;
};

}  // namespace

void write_file_atomically(const std::filesystem::path& path, std::string_view text, Flush flush) {
  // A name of its own, so that two writers of one path never write into one temporary file.
  std::string temp = path.string() + ".XXXXXX";
  const std::string what = "cannot write '" + path.string() + "'";
  {
    Fd file(::mkostemp(temp.data(), O_CLOEXEC));
    if (file.get() < 0) fail(errno, what);
    const auto cleanup_and_fail = [&](int error) {
      ::unlink(temp.c_str());
      fail(error, what);
    };
    for (std::size_t done = 0; done < text.size();) {
      const ssize_t n = ::write(file.get(), text.data() + done, text.size() - done);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) cleanup_and_fail(errno);
      done += static_cast<std::size_t>(n);
    }
    if (flush == Flush::to_disk && ::fsync(file.get()) != 0) cleanup_and_fail(errno);
    if (file.close() != 0) cleanup_and_fail(errno);
    if (::rename(temp.c_str(), path.c_str()) != 0) cleanup_and_fail(errno);
  }
  if (flush == Flush::to_kernel) return;
  const std::filesystem::path parent = path.has_parent_path() ? path.parent_path() : ".";
  Fd dir(::open(parent.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (dir.get() < 0 || ::fsync(dir.get()) != 0) fail(errno, what + " (its directory)");
}

}  // namespace mirari::instances
