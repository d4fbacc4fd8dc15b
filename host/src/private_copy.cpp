#include "private_copy.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/sendfile.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <charconv>
#include <cstring>

#include "mirari/plugin_library.hpp"

namespace mirari::host {

namespace fs = std::filesystem;

namespace {

[[noreturn]] void fail(const fs::path& shown, const std::string& what, int error) {
  throw PluginLoadError(shown.string() + ": cannot make a private copy: " + what + ": " +
                        std::strerror(error));
}

// The pid in "<stem>.<pid>.<n>.so", or 0 when name is not a copy's.
pid_t copy_owner(const std::string& name) {
  if (!name.ends_with(".so")) return 0;
  const std::string base = name.substr(0, name.size() - 3);
  const auto last = base.rfind('.');
  if (last == std::string::npos || last == 0) return 0;
  const auto before = base.rfind('.', last - 1);
  if (before == std::string::npos) return 0;
  pid_t pid = 0;
  const char* first = base.data() + before + 1;
  const char* end = base.data() + last;
  const auto [ptr, ec] = std::from_chars(first, end, pid);
  return ec == std::errc() && ptr == end && pid > 0 ? pid : 0;
}

}  // namespace

PrivateCopy::PrivateCopy(int source, const fs::path& shown, const fs::path& dir) {
  static std::atomic<unsigned> counter{0};
  std::error_code ec;
  fs::create_directories(dir, ec);
  path_ = dir / (shown.stem().string() + "." + std::to_string(::getpid()) + "." +
                 std::to_string(++counter) + ".so");
  fd_.reset(::open(path_.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600));
  if (!fd_) {
    const int error = errno;
    path_.clear();
    fail(shown, "cannot create it in " + dir.string(), error);
  }
  off_t offset = 0;
  for (;;) {
    const ssize_t n = ::sendfile(fd_.get(), source, &offset, 1 << 20);
    if (n == 0) break;
    if (n < 0) {
      if (errno == EINTR) continue;
      const int error = errno;
      ::unlink(path_.c_str());
      fail(shown, "cannot write " + path_.string(), error);
    }
  }
}

PrivateCopy::~PrivateCopy() {
  if (!path_.empty()) ::unlink(path_.c_str());
}

std::size_t remove_stale_copies(const fs::path& dir) {
  std::size_t removed = 0;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    const pid_t owner = copy_owner(entry.path().filename().string());
    if (owner == 0) continue;
    // Called before this daemon loads anything: a copy named after its own pid is from an
    // earlier daemon that had the same pid (pid 1 in a container, say).
    const bool gone = owner == ::getpid() || (::kill(owner, 0) != 0 && errno == ESRCH);
    if (gone && fs::remove(entry.path(), ec)) ++removed;
  }
  return removed;
}

}  // namespace mirari::host
