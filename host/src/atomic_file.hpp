// Replacing a file so that, whatever happens (a crash, a power cut, a full disk), it holds
// either its old contents or its new ones, never a mix or nothing.
//
// The new contents are written to a temporary file beside it (path + ".new"), flushed to the
// disk (fsync), renamed over the file, and the directory flushed too so that the rename
// itself survives a power cut.
//
// Invariant: the file at path is never written in place; a failed write leaves no temporary
// file behind.
#pragma once

#include <filesystem>
#include <stdexcept>
#include <string_view>

namespace mirari::host {

// what(): "cannot write FILE: <step>: <system error>".
class AtomicWriteError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Replaces path's contents by bytes (mode 0600 for a new file). On failure the file is as it
// was and no temporary file is left. Throws AtomicWriteError.
void write_file_atomically(const std::filesystem::path& path, std::string_view bytes);

}  // namespace mirari::host
