// Replacing a file so that a reader, or a machine that crashes, sees the old content or the
// new one, never a mix: the new content goes to a temporary file of its own in the same
// directory, is flushed to disk (fsync) when asked, renamed over the file, and the directory
// is flushed too.
#pragma once

#include <filesystem>
#include <string_view>

namespace mirari::instances {

// How far a write must reach before the call returns. A record needs to last only as long as
// what it describes: a host's processes end with the machine, so their records need only
// survive the manager's own crash, which the kernel's page cache does (process_backend.cpp);
// a Xen domain's create takes far longer than a flush, so its records go to disk.
enum class Flush {
  to_kernel,  // survives the writer's crash, not the machine's
  to_disk,    // survives the machine's crash too (fsync, fdatasync)
};

// Replaces path's content with text; the file gets mode 0600. Throws std::system_error naming
// path: before the rename, the file is unchanged and no temporary file is left; after it
// (the directory could not be flushed), the new content is in place but may not survive a
// crash of the machine.
void write_file_atomically(const std::filesystem::path& path, std::string_view text,
                           Flush flush = Flush::to_disk);

}  // namespace mirari::instances
