#include "rejection_log.hpp"

#include <cstdio>

namespace mirari::load {

namespace {

std::string quoted(std::string_view bytes) {
  std::string text;
  for (const char c : bytes.substr(0, RejectionLog::kQuotedBytes)) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u >= 0x7f || c == '\\') {
      char escaped[5];
      std::snprintf(escaped, sizeof escaped, "\\x%02x", u);
      text += escaped;
    } else {
      text += c;
    }
  }
  if (bytes.size() > RejectionLog::kQuotedBytes) text += "...";
  return text;
}

}  // namespace

std::optional<std::string> RejectionLog::rejected(std::string_view datagram, std::size_t count,
                                                  Clock::time_point now) {
  if (logged_ && now - *logged_ < interval_) {
    unlogged_ += count;
    return std::nullopt;
  }
  std::string line = "rejected " + std::to_string(count) + " report line(s) in datagram '" +
                     quoted(datagram) + "'";
  if (unlogged_ > 0) {
    line += " (and " + std::to_string(unlogged_) + " line(s) since the last one logged)";
  }
  logged_ = now;
  unlogged_ = 0;
  return line;
}

}  // namespace mirari::load
