#include "plugin_file_check.hpp"

#include "elf_check.hpp"
#include "file_trust.hpp"
#include "plugin_probe.hpp"

namespace mirari::host {

CheckedPlugin check_plugin_file(const std::filesystem::path& file,
                                const std::filesystem::path& private_dir, bool check_permissions) {
  const OpenedFile source = open_plugin_file(file, check_permissions);
  CheckedPlugin checked;
  checked.copy = std::make_unique<PrivateCopy>(source.fd.get(), file, private_dir);
  check_elf(checked.copy->fd(), file);
  checked.description = probe_plugin(checked.copy->path(), file);
  checked.description["file"] = file.string();
  return checked;
}

}  // namespace mirari::host
