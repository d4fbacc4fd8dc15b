// Where an installed mirarid finds its default configuration file and plugin directory: beside
// its own executable, at the place `cmake --install` put them (cmake/install_layout.cmake), so
// the defaults follow the prefix the tree was installed to, or moved to. In a build tree they
// name files that do not exist, and nothing is read from them.
#pragma once

#include <filesystem>

namespace mirari::host {

struct InstallPaths {
  std::filesystem::path config_file;  // SYSCONFDIR/mirari/mirarid.toml
  std::filesystem::path plugin_dir;   // LIBDIR/mirari/plugins
};

// From the running executable's path (/proc/self/exe); both empty when that cannot be read.
// Any thread.
InstallPaths install_paths();

}  // namespace mirari::host
