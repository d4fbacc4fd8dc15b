#include "report_parser.hpp"

#include <charconv>
#include <cmath>
#include <optional>

namespace mirari::load {

namespace {

constexpr std::string_view kBlanks = " \t";

std::vector<std::string_view> fields(std::string_view line) {
  std::vector<std::string_view> out;
  for (std::size_t at = line.find_first_not_of(kBlanks); at != std::string_view::npos;
       at = line.find_first_not_of(kBlanks, at)) {
    const std::size_t end = std::min(line.find_first_of(kBlanks, at), line.size());
    out.push_back(line.substr(at, end - at));
    at = end;
  }
  return out;
}

// Names end up in logs and in tools' output: no control bytes.
bool is_word(std::string_view text, std::size_t max_length) {
  if (text.size() > max_length) return false;
  for (const char c : text) {
    if (static_cast<unsigned char>(c) < 0x21 || c == 0x7f) return false;
  }
  return true;
}

std::optional<double> number(std::string_view text) {
  // from_chars would also take "inf" and "nan", which no load is.
  double value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || !std::isfinite(value)) {
    return std::nullopt;
  }
  return value;
}

std::optional<Report> parse_line(std::string_view line) {
  const auto parts = fields(line);
  if (parts.size() != 3) return std::nullopt;
  return parse_report(parts[0], parts[1], parts[2]);
}

}  // namespace

std::optional<Report> parse_report(std::string_view instance, std::string_view key,
                                   std::string_view value) {
  if (!is_instance_name(instance) || key.empty() || !is_word(key, kMaxKeyLength)) {
    return std::nullopt;
  }
  const auto number_value = number(value);
  if (!number_value) return std::nullopt;
  return Report{std::string(instance), std::string(key), *number_value};
}

bool is_instance_name(std::string_view name) {
  return !name.empty() && is_word(name, kMaxNameLength);
}

ParsedDatagram parse_datagram(std::string_view datagram) {
  ParsedDatagram parsed;
  while (!datagram.empty()) {
    const std::size_t end = std::min(datagram.find('\n'), datagram.size());
    std::string_view line = datagram.substr(0, end);
    datagram.remove_prefix(std::min(end + 1, datagram.size()));
    if (line.ends_with('\r')) line.remove_suffix(1);
    if (line.find_first_not_of(kBlanks) == std::string_view::npos) continue;
    if (auto report = parse_line(line)) {
      parsed.reports.push_back(std::move(*report));
    } else {
      ++parsed.rejected;
    }
  }
  return parsed;
}

}  // namespace mirari::load
