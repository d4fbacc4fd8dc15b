#include "file_trust.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>

namespace mirari::host {

namespace fs = std::filesystem;

namespace {

std::string octal(mode_t mode) {
  char text[8];
  std::snprintf(text, sizeof text, "%04o", static_cast<unsigned>(mode & 07777));
  return text;
}

class Walk {
 public:
  explicit Walk(const fs::path& file) : file_(file) {}

  [[noreturn]] void refuse(const std::string& why) const {
    throw UntrustedFile("refusing plugin " + file_.string() + ": " + why);
  }

  [[noreturn]] void cannot(const fs::path& path) const {
    refuse("cannot open " + path.string() + ": " + std::strerror(errno));
  }

  struct stat inspect(int fd, const fs::path& path) const {
    struct stat st {};
    if (::fstat(fd, &st) != 0) cannot(path);
    return st;
  }

  // named: "the file F", "its directory D", "the directory D above it".
  void check(const struct stat& st, const std::string& named) const {
    const uid_t self = ::geteuid();
    if (st.st_uid != 0 && st.st_uid != self) {
      refuse(named + " is owned by uid " + std::to_string(st.st_uid) +
             ", not by root or mirarid's uid " + std::to_string(self) +
             " (allow_unsafe_permissions = true skips this check)");
    }
    const bool sticky_dir = S_ISDIR(st.st_mode) && (st.st_mode & S_ISVTX) != 0;
    if ((st.st_mode & (S_IWGRP | S_IWOTH)) != 0 && !sticky_dir) {
      refuse(named + " is writable by group or others" +
             (S_ISDIR(st.st_mode) ? " and not sticky" : "") + " (mode " + octal(st.st_mode) +
             "; chmod go-w it, or set allow_unsafe_permissions = true)");
    }
  }

 private:
  const fs::path& file_;
};

}  // namespace

OpenedFile open_plugin_file(const fs::path& file, bool check_permissions) {
  const Walk walk(file);
  if (!check_permissions) {
    UniqueFd fd(::open(file.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK));
    if (!fd) walk.cannot(file);
    if (!S_ISREG(walk.inspect(fd.get(), file).st_mode)) walk.refuse("it is not a regular file");
    return {std::move(fd), file};
  }

  std::error_code ec;
  const fs::path real = fs::canonical(file, ec);
  if (ec) walk.refuse(ec.message());
  const fs::path parent = real.parent_path();
  const auto named = [&](const fs::path& dir) {
    return dir == parent ? "its directory " + dir.string()
                         : "the directory " + dir.string() + " above it";
  };
  // Each directory is opened below the previous one's descriptor, never by its full path.
  fs::path at = "/";
  UniqueFd dir(::open("/", O_PATH | O_DIRECTORY | O_CLOEXEC));
  if (!dir) walk.cannot(at);
  walk.check(walk.inspect(dir.get(), at), named(at));
  for (const fs::path& part : parent.relative_path()) {
    at /= part;
    UniqueFd next(::openat(dir.get(), part.c_str(), O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    if (!next) walk.cannot(at);
    walk.check(walk.inspect(next.get(), at), named(at));
    dir = std::move(next);
  }
  UniqueFd fd(
      ::openat(dir.get(), real.filename().c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK));
  if (!fd) walk.cannot(real);
  const struct stat st = walk.inspect(fd.get(), real);
  if (!S_ISREG(st.st_mode)) walk.refuse("it is not a regular file");
  walk.check(st, "the file " + file.string());
  return {std::move(fd), file};
}

}  // namespace mirari::host
