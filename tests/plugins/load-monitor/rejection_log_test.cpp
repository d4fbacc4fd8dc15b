// Rejected reports are logged once per burst: the first, then at most one per interval.
#include <catch2/catch.hpp>

#include <string>

#include "rejection_log.hpp"

using mirari::load::RejectionLog;
using namespace std::chrono_literals;

namespace {
const RejectionLog::Clock::time_point t0{};
}

TEST_CASE("the first rejected datagram is logged, quoted") {
  RejectionLog log(60s);
  CHECK(log.rejected("garbage", 1, t0) == "rejected 1 report line(s) in datagram 'garbage'");
}

TEST_CASE("within the interval rejections are counted, not logged") {
  RejectionLog log(60s);
  REQUIRE(log.rejected("a", 1, t0));
  CHECK_FALSE(log.rejected("b", 2, t0 + 1s));
  CHECK_FALSE(log.rejected("c", 3, t0 + 59s));
  CHECK(log.rejected("d", 1, t0 + 60s) ==
        "rejected 1 report line(s) in datagram 'd' (and 5 line(s) since the last one logged)");
  CHECK_FALSE(log.rejected("e", 1, t0 + 61s));
}

TEST_CASE("control bytes are escaped and a long datagram is cut") {
  RejectionLog log;
  CHECK(log.rejected(std::string("a\0\n\x1b\\", 5), 1, t0) ==
        R"(rejected 1 report line(s) in datagram 'a\x00\x0a\x1b\x5c')");
  RejectionLog other;
  const auto line = other.rejected(std::string(1000, 'x'), 1, t0);
  CHECK(*line == "rejected 1 report line(s) in datagram '" +
                     std::string(RejectionLog::kQuotedBytes, 'x') + "...'");
}
