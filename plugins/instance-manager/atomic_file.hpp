// Replacing a file so that a reader, or a machine that crashes, sees the old content or the
// new one, never a mix: the new content goes to a temporary file of its own in the same
// directory, is flushed to disk (fsync), renamed over the file, and the directory is flushed
// too.
#pragma once

#include <filesystem>
#include <string_view>

namespace mirari::instances {

// Replaces path's content with text; the file gets mode 0600. Throws std::system_error naming
// path: before the rename, the file is unchanged and no temporary file is left; after it
// (the directory could not be flushed), the new content is in place but may not survive a
// crash.
void write_file_atomically(const std::filesystem::path& path, std::string_view text);

}  // namespace mirari::instances
