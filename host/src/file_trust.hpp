// Whether a plugin file may be loaded: code the daemon runs must be as hard to change as the
// daemon itself.
//
// A file is trusted when it, and every directory on the way to it from the root, is owned by
// root or by the daemon's user, and none is writable by group or others — except a directory
// with the sticky bit (such as /tmp), in which no one can rename or remove what another user
// owns. This is the rule sudo and OpenSSH apply to the files they trust. Symbolic links in
// the given path are resolved first: what is checked is the real path.
//
// Invariant: the check and every later read concern one file. The path is walked one
// component at a time from the root with O_NOFOLLOW, each directory and the file checked
// through its own open descriptor (fstat), and the file's descriptor is what callers read and
// copy from; a component swapped for a link or another file after the walk changes nothing.
#pragma once

#include <filesystem>
#include <stdexcept>

#include "mirari/unique_fd.hpp"

namespace mirari::host {

class UntrustedFile : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A plugin file opened for reading, and the path it was opened by.
struct OpenedFile {
  UniqueFd fd;
  std::filesystem::path path;  // as given
};

// Opens file once, for reading. With check_permissions, checks it and every directory above it
// as described above; without, only that it is a regular file. Throws UntrustedFile saying
// which file or directory is unsafe, and why.
OpenedFile open_plugin_file(const std::filesystem::path& file, bool check_permissions);

}  // namespace mirari::host
