// The report protocol: which lines are reports, and that every other line is counted, not
// trusted.
#include <catch2/catch.hpp>

#include <string>

#include "report_parser.hpp"

using mirari::load::kMaxNameLength;
using mirari::load::parse_datagram;
using mirari::load::Report;

TEST_CASE("a datagram of report lines gives one report per line, in order") {
  const auto parsed = parse_datagram("web-1 load 0.75\nweb-1 queue 12\r\nweb-2\tload  -1e-1\n");
  CHECK(parsed.rejected == 0);
  CHECK(parsed.reports == std::vector<Report>{{"web-1", "load", 0.75},
                                              {"web-1", "queue", 12},
                                              {"web-2", "load", -0.1}});
}

TEST_CASE("reports are appended as views of the datagram, after what the vector held") {
  using mirari::load::ReportView;
  const std::string datagram = "web-1 load 0.5\nbad\nweb-2 queue 3\n";
  std::vector<ReportView> reports{{"kept", "load", 1}};
  CHECK(mirari::load::parse_reports(datagram, reports) == 1);
  CHECK(reports == std::vector<ReportView>{
                       {"kept", "load", 1}, {"web-1", "load", 0.5}, {"web-2", "queue", 3}});
  CHECK(reports[1].instance.data() == datagram.data());
}

TEST_CASE("empty lines are neither reports nor rejected") {
  const auto parsed = parse_datagram("\n  \nweb-1 load 1\n\n");
  CHECK(parsed.reports.size() == 1);
  CHECK(parsed.rejected == 0);
}

TEST_CASE("lines without exactly three fields are rejected") {
  for (const char* line : {"web-1", "web-1 load", "web-1 load 1 2", "load 1"}) {
    INFO(line);
    const auto parsed = parse_datagram(line);
    CHECK(parsed.reports.empty());
    CHECK(parsed.rejected == 1);
  }
}

TEST_CASE("a value that is not a finite number is rejected") {
  for (const char* line : {"web-1 load high", "web-1 load 1.5x", "web-1 load nan", "web-1 load inf",
                           "web-1 load 0x10", "web-1 load ''"}) {
    INFO(line);
    CHECK(parse_datagram(line).rejected == 1);
  }
}

TEST_CASE("an over-long name is rejected, one at the limit is taken") {
  const std::string at_limit(kMaxNameLength, 'n');
  CHECK(parse_datagram(at_limit + " load 1").reports.size() == 1);
  CHECK(parse_datagram(at_limit + "n load 1").rejected == 1);
}

TEST_CASE("names with control bytes are rejected") {
  CHECK(parse_datagram(std::string("we\0b load 1", 11)).rejected == 1);
  CHECK(parse_datagram("we\x1b[2Jb load 1").rejected == 1);
}

TEST_CASE("a bad line does not spoil the good lines of its datagram") {
  const auto parsed = parse_datagram("garbage\nweb-1 load 0.5\n\xff\xfe\xfd\nweb-2 load x\n");
  CHECK(parsed.reports == std::vector<Report>{{"web-1", "load", 0.5}});
  CHECK(parsed.rejected == 3);
}

TEST_CASE("binary noise never throws") {
  std::string noise;
  for (int i = 0; i < 4096; ++i) noise += static_cast<char>((i * 131 + 7) % 256);
  CHECK_NOTHROW(parse_datagram(noise));
}

TEST_CASE("instance names are the NAMEs report lines accept") {
  CHECK(mirari::load::is_instance_name("web-1"));
  CHECK_FALSE(mirari::load::is_instance_name(""));
  CHECK_FALSE(mirari::load::is_instance_name("web 1"));
  CHECK_FALSE(mirari::load::is_instance_name(std::string(kMaxNameLength + 1, 'n')));
}

TEST_CASE("a report from separate fields is checked as a line's fields are") {
  using mirari::load::parse_report;
  CHECK(parse_report("web-1", "load", "0.5") == Report{"web-1", "load", 0.5});
  CHECK_FALSE(parse_report("", "load", "0.5"));
  CHECK_FALSE(parse_report("web-1", "", "0.5"));
  CHECK_FALSE(parse_report("web 1", "load", "0.5"));
  CHECK_FALSE(parse_report("web-1", "lo\tad", "0.5"));
  CHECK_FALSE(parse_report("web-1", "load", "0.5 "));
  CHECK_FALSE(parse_report("web-1", "load", "inf"));
  CHECK_FALSE(parse_report(std::string(65, 'n'), "load", "1"));
}
