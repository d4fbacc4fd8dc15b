// What a plugin author does with a Mirari build: install it into a prefix, then build a plugin
// out of tree against that prefix's SDK (find_package(mirari)). Each step throws
// std::runtime_error with the command and its output when it fails.
#pragma once

#include <filesystem>

namespace mirari::test {

// `cmake --install build_dir --prefix prefix`.
void install_build(const std::filesystem::path& build_dir, const std::filesystem::path& prefix);

// Configures source into build (Ninja, CMAKE_PREFIX_PATH=prefix) and builds it.
void build_against(const std::filesystem::path& source, const std::filesystem::path& build,
                   const std::filesystem::path& prefix);

}  // namespace mirari::test
