#include "loop_device.hpp"

#include <stdlib.h>

#include <cerrno>
#include <iostream>
#include <system_error>
#include <vector>

#include "command.hpp"

namespace mirari::testing {

namespace {

std::filesystem::path make_directory() {
  std::string pattern = (std::filesystem::temp_directory_path() / "mirari-loop-XXXXXX").string();
  if (::mkdtemp(pattern.data()) == nullptr) {
    throw std::system_error(errno, std::generic_category(), "cannot create " + pattern);
  }
  // The kernel reports the backing file by its resolved path.
  return std::filesystem::canonical(pattern);
}

}  // namespace

LoopDevice::LoopDevice(std::uintmax_t size, bool read_only)
    : directory_(make_directory()), file_(directory_ / "disk.img") {
  try {
    check_command({"truncate", "-s", std::to_string(size), file_.string()});
    std::vector<std::string> argv{"losetup", "--find", "--show"};
    if (read_only) argv.emplace_back("--read-only");
    argv.push_back(file_.string());
    std::string shown = check_command(argv);
    while (!shown.empty() && (shown.back() == '\n' || shown.back() == ' ')) shown.pop_back();
    device_ = std::move(shown);
    attached_ = true;
    name_ = std::filesystem::path(device_).filename().string();
  } catch (...) {
    if (attached_) run_command({"losetup", "-d", device_});
    std::error_code ignored;
    std::filesystem::remove_all(directory_, ignored);
    throw;
  }
}

LoopDevice::~LoopDevice() {
  if (attached_) {
    const CommandResult result = run_command({"losetup", "-d", device_});
    if (result.exit_code != 0) {
      std::cerr << "cannot detach " << device_ << ": " << result.output;
    }
  }
  std::error_code error;
  std::filesystem::remove_all(directory_, error);
  if (error) std::cerr << "cannot delete " << directory_ << ": " << error.message() << '\n';
}

void LoopDevice::resize(std::uintmax_t size) const {
  check_command({"truncate", "-s", std::to_string(size), file_.string()});
  check_command({"losetup", "--set-capacity", device_});
}

void LoopDevice::detach() {
  if (!attached_) return;
  check_command({"losetup", "-d", device_});
  attached_ = false;
}

}  // namespace mirari::testing
