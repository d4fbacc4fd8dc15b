// Private copies of plugin files: what the dynamic loader opens, so that the original can be
// rebuilt in place, a reload really opens new code, and no one but the daemon can change the
// bytes between their check and their loading.
//
// A copy lives in the daemon's private directory (runtime_dir/loaded-copies, mode 0700) as
// "<stem>.<pid>.<n>.so", mode 0600, made by the daemon with O_EXCL and written only from the
// descriptor the trusted original was opened by.
//
// Invariant: a copy's file exists only while a load uses it; the loader's mapping outlives
// it. A daemon that died during a load leaves its copy behind, named after its pid:
// remove_stale_copies() clears those at the next start.
#pragma once

#include <filesystem>
#include <stdexcept>
#include <string>

#include "mirari/unique_fd.hpp"

namespace mirari::host {

class PrivateCopy {
 public:
  // Copies what source (an open descriptor) holds into a new file in dir. shown names the
  // original in errors. Throws PluginLoadError.
  PrivateCopy(int source, const std::filesystem::path& shown, const std::filesystem::path& dir);
  // Removes the copy's file.
  ~PrivateCopy();
  PrivateCopy(const PrivateCopy&) = delete;
  PrivateCopy& operator=(const PrivateCopy&) = delete;

  const std::filesystem::path& path() const noexcept { return path_; }
  // The copy, open for reading.
  int fd() const noexcept { return fd_.get(); }

 private:
  std::filesystem::path path_;
  UniqueFd fd_;
};

// Removes the copies in dir left by daemons that are gone (their pid runs no process, or is
// this daemon's own, which has loaded nothing yet). Called at start. Returns how many it removed.
std::size_t remove_stale_copies(const std::filesystem::path& dir);

}  // namespace mirari::host
