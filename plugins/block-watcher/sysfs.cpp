#include "sysfs.hpp"

#include <charconv>
#include <fstream>
#include <system_error>

namespace mirari::block {

namespace {

namespace fs = std::filesystem;

// The first line of a sysfs attribute, or none when it cannot be read.
std::optional<std::string> first_line(const fs::path& file) {
  std::ifstream in(file);
  std::string line;
  if (!in || !std::getline(in, line)) return std::nullopt;
  return line;
}

template <class Integer>
std::optional<Integer> number(std::string_view text) {
  Integer value{};
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

template <class Integer>
std::optional<Integer> number_in(const fs::path& file) {
  std::optional<std::string> line = first_line(file);
  if (!line) return std::nullopt;
  return number<Integer>(*line);
}

bool valid_name(const std::string& name) {
  return !name.empty() && name != "." && name != ".." && name.find('/') == std::string::npos;
}

}  // namespace

std::optional<BlockDevice> Sysfs::device(const std::string& name) const {
  if (!valid_name(name)) return std::nullopt;
  const fs::path dir = root_ / "class" / "block" / name;

  const std::optional<std::string> dev = first_line(dir / "dev");
  if (!dev) return std::nullopt;
  const std::size_t colon = dev->find(':');
  if (colon == std::string::npos) return std::nullopt;
  const auto major = number<std::uint32_t>(std::string_view(*dev).substr(0, colon));
  const auto minor = number<std::uint32_t>(std::string_view(*dev).substr(colon + 1));
  if (!major || !minor) return std::nullopt;

  BlockDevice device;
  device.name = name;
  device.major = *major;
  device.minor = *minor;
  device.size_bytes = number_in<std::uint64_t>(dir / "size").value_or(0) * 512;
  device.read_only = number_in<int>(dir / "ro").value_or(0) != 0;
  // A partition has no queue of its own; its directory sits inside its disk's.
  std::optional<int> rotational = number_in<int>(dir / "queue" / "rotational");
  if (!rotational) rotational = number_in<int>(dir / ".." / "queue" / "rotational");
  device.rotational = rotational.value_or(0) != 0;
  std::optional<std::string> backing = first_line(dir / "loop" / "backing_file");
  if (backing && !backing->empty()) device.backing_file = std::move(*backing);
  return device;
}

Devices Sysfs::devices() const {
  Devices::Builder table;
  std::error_code error;
  for (const fs::directory_entry& entry :
       fs::directory_iterator(root_ / "class" / "block", error)) {
    const std::string name = entry.path().filename().string();
    if (std::optional<BlockDevice> device = this->device(name)) {
      table.set(name, std::move(*device));
    }
  }
  return table.build();
}

}  // namespace mirari::block
