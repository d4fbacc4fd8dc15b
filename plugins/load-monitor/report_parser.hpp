// The report protocol: what instances write to the load monitor's datagram socket.
//
// A datagram holds one or more lines `NAME KEY VALUE`, separated by '\n' (a trailing '\r'
// is tolerated): NAME is the instance (at most kMaxNameLength bytes), KEY any word (at most
// kMaxKeyLength bytes; "load" is the instance's own load), VALUE a finite decimal number.
// NAME and KEY hold no control bytes. Fields are separated by spaces or tabs. Each line stands
// alone: a malformed line is rejected and counted, the others of its datagram still count. Empty
// lines are neither.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mirari::load {

inline constexpr std::size_t kMaxNameLength = 64;
inline constexpr std::size_t kMaxKeyLength = 64;

struct Report {
  std::string instance;
  std::string key;
  double value = 0;
  friend bool operator==(const Report&, const Report&) = default;
};

// A report whose NAME and KEY view the datagram it was read from.
struct ReportView {
  std::string_view instance;
  std::string_view key;
  double value = 0;
  friend bool operator==(const ReportView&, const ReportView&) = default;
};

// Appends the reports of datagram's lines to reports, in the order of their lines, and returns
// how many lines it refused. Allocates nothing once reports has room: the monitor reads every
// datagram through it, into one vector it reuses.
std::size_t parse_reports(std::string_view datagram, std::vector<ReportView>& reports);

struct ParsedDatagram {
  std::vector<Report> reports;  // in the order of their lines
  std::size_t rejected = 0;     // lines refused
};

// parse_reports() with the reports copied out of the datagram.
ParsedDatagram parse_datagram(std::string_view datagram);

// One report from its three fields, checked as a line's are; none when one is refused.
std::optional<Report> parse_report(std::string_view instance, std::string_view key,
                                   std::string_view value);

// Whether name is one a report line may carry as its NAME.
bool is_instance_name(std::string_view name);

}  // namespace mirari::load
