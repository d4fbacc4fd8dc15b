// Values guests keep under XenStore data/ as reports.
#include <catch2/catch.hpp>

#include <algorithm>

#include "xen_reports.hpp"

using mirari::load::Report;
using mirari::load::xen_instances_gone;
using mirari::load::xen_reports;
using mirari::ports::xen::DataByDomain;
using mirari::ports::xen::XenData;
using Reports = std::vector<Report>;

TEST_CASE("every numeric value of a named domain is a report the first time") {
  const DataByDomain after{{"5", XenData{5, "web-1", {{"load", "0.42"}, {"queue", "12"}}}}};
  CHECK(xen_reports({}, after) == Reports{{"web-1", "load", 0.42}, {"web-1", "queue", 12}});
}

TEST_CASE("only new and changed values are reported again") {
  const DataByDomain before{{"5", XenData{5, "web-1", {{"load", "0.42"}, {"queue", "12"}}}}};
  const DataByDomain after{
      {"5", XenData{5, "web-1", {{"load", "0.50"}, {"queue", "12"}, {"conns", "3"}}}}};
  CHECK(xen_reports(before, after) == Reports{{"web-1", "conns", 3}, {"web-1", "load", 0.5}});
  CHECK(xen_reports(after, after).empty());
}

TEST_CASE("a renamed domain reports everything under its new name") {
  const DataByDomain before{{"5", XenData{5, "web-1", {{"load", "0.42"}}}}};
  const DataByDomain after{{"5", XenData{5, "web-2", {{"load", "0.42"}}}}};
  CHECK(xen_reports(before, after) == Reports{{"web-2", "load", 0.42}});
}

TEST_CASE("values that are not numbers, and unnamed domains, report nothing") {
  const DataByDomain after{
      {"5", XenData{5, "web-1", {{"updated", "Tue 12:00"}, {"load", "nan"}, {"bad key", "1"}}}},
      {"6", XenData{6, "", {{"load", "1"}}}},
      {"7", XenData{7, "has space", {{"load", "1"}}}}};
  CHECK(xen_reports({}, after).empty());
}

TEST_CASE("a value cannot smuggle a second report line") {
  const DataByDomain after{{"5", XenData{5, "web-1", {{"load", "1\nother load 99"}}}}};
  CHECK(xen_reports({}, after).empty());
}

TEST_CASE("domains that go, or take another name, are instances gone") {
  const DataByDomain before{{"5", XenData{5, "web-1", {{"load", "1"}}}},
                            {"6", XenData{6, "web-2", {{"load", "1"}}}},
                            {"7", XenData{7, "web-3", {{"load", "1"}}}}};
  const DataByDomain after{{"6", XenData{6, "web-2", {{"load", "2"}}}},
                           {"7", XenData{7, "db-1", {{"load", "1"}}}}};
  std::vector<std::string> gone = xen_instances_gone(before, after);
  std::sort(gone.begin(), gone.end());
  CHECK(gone == std::vector<std::string>{"web-1", "web-3"});
  CHECK(xen_instances_gone(after, after).empty());
}
