#include "process_search.hpp"

#include <charconv>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <system_error>

namespace mirari::instances {

bool environment_holds(std::string_view block, std::string_view entry) {
  while (!block.empty()) {
    const std::size_t end = block.find('\0');
    if (block.substr(0, end) == entry) return true;
    if (end == std::string_view::npos) break;
    block.remove_prefix(end + 1);
  }
  return false;
}

std::optional<pid_t> find_process_with_environment(const std::string& entry) {
  std::error_code error;
  for (const auto& process : std::filesystem::directory_iterator("/proc", error)) {
    const std::string name = process.path().filename();
    pid_t pid = 0;
    const auto [end, parsed] = std::from_chars(name.data(), name.data() + name.size(), pid);
    if (parsed != std::errc() || end != name.data() + name.size()) continue;
    std::ifstream file(process.path() / "environ", std::ios::binary);
    if (!file) continue;
    const std::string block{std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>()};
    if (environment_holds(block, entry)) return pid;
  }
  return std::nullopt;
}

}  // namespace mirari::instances
