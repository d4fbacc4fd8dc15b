// Reading block devices from sysfs: /sys/class/block/<name>/{dev,size,ro,queue/rotational,
// loop/backing_file}. The root is a parameter so that tests can point it at a tree of their
// own.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include "block_ports.hpp"

namespace mirari::block {

class Sysfs {
 public:
  explicit Sysfs(std::filesystem::path root = "/sys") : root_(std::move(root)) {}

  // The device called name, or none when it is not there (or went while being read: its
  // dev file is missing or unreadable). Files other than dev that cannot be read leave
  // their fields at the defaults. Safe from any thread.
  std::optional<BlockDevice> device(const std::string& name) const;
  // Every device under class/block; empty when the directory is missing.
  Devices devices() const;

  const std::filesystem::path& root() const noexcept { return root_; }

 private:
  std::filesystem::path root_;
};

}  // namespace mirari::block
