// A sysfs tree in a temporary directory, shaped like /sys where the block watcher reads it,
// deleted when the fixture goes. Like sysfs it lives in memory (/dev/shm) where it can: tests
// make trees of thousands of devices.
#pragma once

#include <stdlib.h>

#include <cerrno>
#include <filesystem>
#include <fstream>
#include <string>
#include <system_error>

namespace mirari::testing {

class FakeSysfs {
 public:
  FakeSysfs() {
    std::error_code no_shm;
    const std::filesystem::path base = std::filesystem::is_directory("/dev/shm", no_shm)
                                           ? std::filesystem::path("/dev/shm")
                                           : std::filesystem::temp_directory_path();
    std::string pattern = (base / "mirari-sysfs-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) {
      throw std::system_error(errno, std::generic_category(), "cannot create " + pattern);
    }
    root_ = pattern;
    std::filesystem::create_directories(root_ / "class" / "block");
  }
  ~FakeSysfs() {
    std::error_code ignored;
    std::filesystem::remove_all(root_, ignored);
  }
  FakeSysfs(const FakeSysfs&) = delete;
  FakeSysfs& operator=(const FakeSysfs&) = delete;

  const std::filesystem::path& root() const noexcept { return root_; }

  // A disk under devices/, linked from class/block as the kernel links it.
  void add_disk(const std::string& name, const std::string& dev, std::uint64_t sectors,
                bool rotational = false) {
    const std::filesystem::path dir = root_ / "devices" / "block" / name;
    write(dir / "dev", dev);
    write(dir / "size", std::to_string(sectors));
    write(dir / "ro", "0");
    write(dir / "queue" / "rotational", rotational ? "1" : "0");
    link(name, dir);
  }
  // A partition: its directory sits inside its disk's, and it has no queue of its own.
  void add_partition(const std::string& disk, const std::string& name, const std::string& dev,
                     std::uint64_t sectors) {
    const std::filesystem::path dir = root_ / "devices" / "block" / disk / name;
    write(dir / "dev", dev);
    write(dir / "size", std::to_string(sectors));
    write(dir / "ro", "0");
    link(name, dir);
  }
  void remove(const std::string& name) {
    std::filesystem::remove(root_ / "class" / "block" / name);
  }
  // Writes a device's attribute (such as "size" or "loop/backing_file"), newline-terminated
  // as the kernel writes it.
  void set(const std::string& name, const std::string& attribute, const std::string& value) {
    write(std::filesystem::canonical(root_ / "class" / "block" / name) / attribute, value);
  }
  void unset(const std::string& name, const std::string& attribute) {
    std::filesystem::remove(std::filesystem::canonical(root_ / "class" / "block" / name) /
                            attribute);
  }

 private:
  static void write(const std::filesystem::path& file, const std::string& value) {
    std::filesystem::create_directories(file.parent_path());
    std::ofstream(file) << value << '\n';
  }
  void link(const std::string& name, const std::filesystem::path& target) {
    std::filesystem::create_directory_symlink(target, root_ / "class" / "block" / name);
  }

  std::filesystem::path root_;
};

}  // namespace mirari::testing
