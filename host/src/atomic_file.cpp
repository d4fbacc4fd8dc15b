#include "atomic_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "mirari/unique_fd.hpp"

namespace mirari::host {

namespace fs = std::filesystem;

void write_file_atomically(const fs::path& path, std::string_view bytes) {
  const fs::path temporary = path.string() + ".new";
  const auto fail = [&](const std::string& step, int error) {
    ::unlink(temporary.c_str());
    throw AtomicWriteError("cannot write " + path.string() + ": " + step + ": " +
                           std::strerror(error));
  };
  UniqueFd fd(::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600));
  if (!fd) {
    const int error = errno;
    throw AtomicWriteError("cannot write " + path.string() + ": cannot create " +
                           temporary.string() + ": " + std::strerror(error));
  }
  std::size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::write(fd.get(), bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) fail("write", errno);
    done += static_cast<std::size_t>(n);
  }
  if (::fsync(fd.get()) != 0) fail("fsync", errno);
  if (::close(fd.release()) != 0) fail("close", errno);
  if (::rename(temporary.c_str(), path.c_str()) != 0) fail("rename", errno);
  const fs::path dir = path.has_parent_path() ? path.parent_path() : fs::path(".");
  UniqueFd directory(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  // The new contents are in place; only their durability across a power cut is in question.
  if (!directory || ::fsync(directory.get()) != 0) {
    throw AtomicWriteError("cannot write " + path.string() + ": fsync of " + dir.string() + ": " +
                           std::strerror(errno));
  }
}

}  // namespace mirari::host
