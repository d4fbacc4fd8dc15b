// What a plugin file goes through before the daemon maps it, in order:
//   1. opened once, with its path checked for trust (file_trust.hpp);
//   2. copied from that descriptor into the private directory (private_copy.hpp);
//   3. the copy checked to be a complete ELF shared object for this machine (elf_check.hpp);
//   4. the copy opened and described in a trial child process (plugin_probe.hpp).
// Only then may the daemon open the copy itself (PluginLibrary::open_copy).
//
// Invariant: every step reads the same bytes: the trusted descriptor's, then the copy's, which
// only the daemon can write.
#pragma once

#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>

#include "private_copy.hpp"

namespace mirari::host {

struct CheckedPlugin {
  std::unique_ptr<PrivateCopy> copy;  // removed when this goes
  nlohmann::json description;         // describe_plugin's, with "file"
};

// Runs steps 1 to 4 on file. Throws UntrustedFile (step 1) or PluginLoadError.
CheckedPlugin check_plugin_file(const std::filesystem::path& file,
                                const std::filesystem::path& private_dir, bool check_permissions);

}  // namespace mirari::host
