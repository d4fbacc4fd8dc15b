// Whether a plugin file may be loaded: code the daemon runs must be as hard to change as the
// daemon itself.
//
// A file is trusted when it and the directory holding it are owned by root or by the daemon's
// user, and neither is writable by group or others. Symbolic links are followed: what is
// checked is what would be opened.
#pragma once

#include <filesystem>
#include <stdexcept>

namespace mirari::host {

class UntrustedFile : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Throws UntrustedFile saying which of file or its directory is unsafe, and why.
void check_trusted(const std::filesystem::path& file);

}  // namespace mirari::host
