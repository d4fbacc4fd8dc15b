#include "proc_start_time.hpp"

#include <algorithm>
#include <charconv>
#include <fstream>
#include <sstream>
#include <string>

namespace mirari::instances {

namespace {

// Fields after the name, counted from 1 at state (field 3 of proc(5)).
constexpr int kStartTimeField = 20;  // field 22

}  // namespace

std::optional<std::uint64_t> parse_start_time(std::string_view stat) {
  const std::size_t open = stat.find('(');
  const std::size_t close = stat.rfind(')');
  if (open == std::string_view::npos || close == std::string_view::npos || close < open) {
    return std::nullopt;
  }
  const std::string_view rest = stat.substr(close + 1);
  int field = 0;
  for (std::size_t at = rest.find_first_not_of(" \n"); at != std::string_view::npos;
       at = rest.find_first_not_of(" \n", at)) {
    const std::size_t end = std::min(rest.find_first_of(" \n", at), rest.size());
    if (++field == kStartTimeField) {
      const std::string_view word = rest.substr(at, end - at);
      std::uint64_t value = 0;
      const auto [stop, error] = std::from_chars(word.data(), word.data() + word.size(), value);
      if (error != std::errc() || stop != word.data() + word.size()) return std::nullopt;
      return value;
    }
    at = end;
  }
  return std::nullopt;
}

std::optional<std::uint64_t> read_start_time(pid_t pid) {
  std::ifstream file("/proc/" + std::to_string(pid) + "/stat");
  if (!file) return std::nullopt;
  std::ostringstream text;
  text << file.rdbuf();
  if (!file && !file.eof()) return std::nullopt;
  return parse_start_time(text.str());
}

}  // namespace mirari::instances
