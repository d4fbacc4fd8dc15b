// A loop device of the test's own: a sparse file in a fresh temporary directory, attached
// with losetup. The fixture detaches the device and deletes the file and the directory when
// it goes (a failed test included), and touches no other loop device: tests may run beside
// other users of loop devices, so they find theirs by name().
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

namespace mirari::testing {

class LoopDevice {
 public:
  // Creates a file of size bytes and attaches it to a free loop device, read-only when asked.
  // Throws std::runtime_error (quoting losetup) or std::system_error; nothing is left behind
  // then.
  explicit LoopDevice(std::uintmax_t size = std::uintmax_t{8} << 20, bool read_only = false);
  ~LoopDevice();
  LoopDevice(const LoopDevice&) = delete;
  LoopDevice& operator=(const LoopDevice&) = delete;

  // "loop3": the name under /sys/class/block.
  const std::string& name() const noexcept { return name_; }
  // "/dev/loop3".
  const std::string& device() const noexcept { return device_; }
  // The backing file, as the kernel reports it.
  const std::filesystem::path& file() const noexcept { return file_; }

  // Grows (or shrinks) the file to size bytes and has the kernel read its new capacity.
  void resize(std::uintmax_t size) const;
  // Detaches the device now; the destructor then leaves it alone.
  void detach();

 private:
  std::filesystem::path directory_;
  std::filesystem::path file_;
  std::string device_;
  std::string name_;
  bool attached_ = false;
};

}  // namespace mirari::testing
