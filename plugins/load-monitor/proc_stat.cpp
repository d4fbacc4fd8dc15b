#include "proc_stat.hpp"

#include <charconv>
#include <fstream>
#include <sstream>
#include <string>

namespace mirari::load {

namespace {

// Fields after the name, counted from 1 at state (field 3 of proc(5)).
constexpr int kUtimeField = 12;  // field 14
constexpr int kStimeField = 13;  // field 15

std::optional<std::uint64_t> unsigned_number(std::string_view text) {
  std::uint64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || text.empty()) {
    return std::nullopt;
  }
  return value;
}

}  // namespace

std::optional<CpuTimes> parse_proc_stat(std::string_view text) {
  const std::size_t open = text.find('(');
  const std::size_t close = text.rfind(')');
  if (open == std::string_view::npos || close == std::string_view::npos || close < open) {
    return std::nullopt;
  }
  std::string_view rest = text.substr(close + 1);
  std::optional<std::uint64_t> utime;
  std::optional<std::uint64_t> stime;
  int field = 0;
  for (std::size_t at = rest.find_first_not_of(" \n"); at != std::string_view::npos;
       at = rest.find_first_not_of(" \n", at)) {
    const std::size_t end = std::min(rest.find_first_of(" \n", at), rest.size());
    const std::string_view word = rest.substr(at, end - at);
    ++field;
    if (field == kUtimeField) utime = unsigned_number(word);
    if (field == kStimeField) {
      stime = unsigned_number(word);
      break;
    }
    at = end;
  }
  if (!utime || !stime) return std::nullopt;
  return CpuTimes{*utime, *stime};
}

std::optional<CpuTimes> read_proc_stat(pid_t pid) {
  std::ifstream file("/proc/" + std::to_string(pid) + "/stat");
  if (!file) return std::nullopt;
  std::ostringstream text;
  text << file.rdbuf();
  if (!file && !file.eof()) return std::nullopt;
  return parse_proc_stat(text.str());
}

double cpu_share(const CpuTimes& before, const CpuTimes& after,
                 std::chrono::steady_clock::duration elapsed, long ticks_per_second) {
  using Seconds = std::chrono::duration<double>;
  const double seconds = std::chrono::duration_cast<Seconds>(elapsed).count();
  if (seconds <= 0 || ticks_per_second <= 0 || after.total() < before.total()) return 0;
  return static_cast<double>(after.total() - before.total()) /
         (seconds * static_cast<double>(ticks_per_second));
}

}  // namespace mirari::load
