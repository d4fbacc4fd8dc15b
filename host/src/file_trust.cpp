#include "file_trust.hpp"

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

void check_one(const fs::path& file, const fs::path& path, const char* what) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    throw UntrustedFile("refusing plugin " + file.string() + ": cannot inspect " + what + " " +
                        path.string() + ": " + std::strerror(errno));
  }
  const uid_t self = ::geteuid();
  if (st.st_uid != 0 && st.st_uid != self) {
    throw UntrustedFile("refusing plugin " + file.string() + ": " + what + " " + path.string() +
                        " is owned by uid " + std::to_string(st.st_uid) +
                        ", not by root or mirarid's uid " + std::to_string(self) +
                        " (allow_unsafe_permissions = true skips this check)");
  }
  if ((st.st_mode & (S_IWGRP | S_IWOTH)) != 0) {
    throw UntrustedFile("refusing plugin " + file.string() + ": " + what + " " + path.string() +
                        " is writable by group or others (mode " + octal(st.st_mode) +
                        "; chmod go-w it, or set allow_unsafe_permissions = true)");
  }
}

}  // namespace

void check_trusted(const fs::path& file) {
  std::error_code ec;
  const fs::path real = fs::canonical(file, ec);
  if (ec) throw UntrustedFile("refusing plugin " + file.string() + ": " + ec.message());
  check_one(file, real, "the file");
  check_one(file, real.parent_path(), "its directory");
}

}  // namespace mirari::host
