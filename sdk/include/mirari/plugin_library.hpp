// Opening a plugin library and checking it before anything in it runs.
#pragma once

#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>

#include "mirari/plugin.hpp"

namespace mirari {

// A library that is not a loadable Mirari plugin; what() names the file and the reason.
class PluginLoadError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// An open plugin library. Shared: whatever still runs its code (the plugin instance, nodes
// built by it such as ports, work it posted) holds a reference, and the library is closed
// when the last one goes. Not thread-safe to open concurrently into one private_dir.
class PluginLibrary {
 public:
  // Copies file into private_dir, opens the copy (so the original can be rebuilt in place and
  // a reload really opens new code), finds the entry point and checks the ABI version and the
  // C++ build. The private copy's file is removed once mapped. Throws PluginLoadError.
  static std::shared_ptr<PluginLibrary> open(const std::filesystem::path& file,
                                             const std::filesystem::path& private_dir);
  // What open() does after its copy: opens copy, a private copy of file that its caller made
  // (and checked), with the same checks. The copy's file is removed once mapped unless
  // keep_copy. Errors name file. Throws PluginLoadError.
  static std::shared_ptr<PluginLibrary> open_copy(const std::filesystem::path& copy,
                                                  const std::filesystem::path& file,
                                                  bool keep_copy = false);
  ~PluginLibrary();
  PluginLibrary(const PluginLibrary&) = delete;
  PluginLibrary& operator=(const PluginLibrary&) = delete;

  const Descriptor& descriptor() const noexcept { return *descriptor_; }
  // The file it was loaded from (not the private copy).
  const std::filesystem::path& file() const noexcept { return file_; }

 private:
  struct Handle;
  PluginLibrary(std::filesystem::path file, std::unique_ptr<Handle> handle,
                const Descriptor* descriptor);

  std::filesystem::path file_;
  std::unique_ptr<Handle> handle_;
  const Descriptor* descriptor_;
};

}  // namespace mirari
