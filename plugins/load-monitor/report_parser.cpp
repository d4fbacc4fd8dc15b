#include "report_parser.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <optional>

namespace mirari::load {

namespace {

bool is_blank(char c) {
  return c == ' ' || c == '\t';
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

std::optional<ReportView> checked(std::string_view instance, std::string_view key,
                                  std::string_view value) {
  if (!is_instance_name(instance) || key.empty() || !is_word(key, kMaxKeyLength)) {
    return std::nullopt;
  }
  const auto number_value = number(value);
  if (!number_value) return std::nullopt;
  return ReportView{instance, key, *number_value};
}

// A line's blank-separated fields, in one pass; none when it has more than three.
struct Fields {
  std::string_view parts[3];
  std::size_t count = 0;
};

std::optional<Fields> fields(std::string_view line) {
  Fields out;
  const char* at = line.data();
  const char* const end = at + line.size();
  for (;;) {
    while (at != end && is_blank(*at)) ++at;
    if (at == end) return out;
    const char* const start = at;
    while (at != end && !is_blank(*at)) ++at;
    if (out.count == 3) return std::nullopt;
    out.parts[out.count++] = std::string_view(start, static_cast<std::size_t>(at - start));
  }
}

}  // namespace

std::optional<Report> parse_report(std::string_view instance, std::string_view key,
                                   std::string_view value) {
  const auto report = checked(instance, key, value);
  if (!report) return std::nullopt;
  return Report{std::string(report->instance), std::string(report->key), report->value};
}

bool is_instance_name(std::string_view name) {
  return !name.empty() && is_word(name, kMaxNameLength);
}

std::size_t parse_reports(std::string_view datagram, std::vector<ReportView>& reports) {
  std::size_t rejected = 0;
  while (!datagram.empty()) {
    const std::size_t end = std::min(datagram.find('\n'), datagram.size());
    std::string_view line = datagram.substr(0, end);
    datagram.remove_prefix(std::min(end + 1, datagram.size()));
    if (line.ends_with('\r')) line.remove_suffix(1);
    const auto parts = fields(line);
    if (parts && parts->count == 0) continue;  // an empty line
    std::optional<ReportView> report;
    if (parts && parts->count == 3)
      report = checked(parts->parts[0], parts->parts[1], parts->parts[2]);
    if (report) {
      reports.push_back(*report);
    } else {
      ++rejected;
    }
  }
  return rejected;
}

ParsedDatagram parse_datagram(std::string_view datagram) {
  std::vector<ReportView> views;
  ParsedDatagram parsed;
  parsed.rejected = parse_reports(datagram, views);
  parsed.reports.reserve(views.size());
  for (const ReportView& view : views) {
    parsed.reports.push_back({std::string(view.instance), std::string(view.key), view.value});
  }
  return parsed;
}

}  // namespace mirari::load
