#include "install_paths.hpp"

#include <system_error>

namespace mirari::host {

namespace fs = std::filesystem;

namespace {

fs::path beside(const fs::path& bindir, const fs::path& path) {
  return (path.is_absolute() ? path : bindir / path).lexically_normal();
}

}  // namespace

InstallPaths install_paths() {
  std::error_code ec;
  const fs::path bindir = fs::read_symlink("/proc/self/exe", ec).parent_path();
  if (ec || bindir.empty()) return {};
  return {beside(bindir, MIRARI_CONFIG_FROM_BINDIR), beside(bindir, MIRARI_PLUGIN_DIR_FROM_BINDIR)};
}

}  // namespace mirari::host
