// CPU time from /proc/<pid>/stat, and the share of a CPU it makes.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <chrono>

#include "proc_stat.hpp"

using mirari::load::cpu_share;
using mirari::load::CpuTimes;
using mirari::load::parse_proc_stat;
using mirari::load::read_proc_stat;
using namespace std::chrono_literals;

namespace {
// Fields 14 (utime) and 15 (stime) are 1500 and 250.
constexpr const char* kRest =
    " R 1 4242 4242 0 -1 4194560 112 0 0 0 1500 250 0 0 20 0 1 0 98765 2265088 176 "
    "18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0\n";
}  // namespace

TEST_CASE("utime and stime are read after the process name") {
  CHECK(parse_proc_stat(std::string("4242 (sh)") + kRest) == CpuTimes{1500, 250});
}

TEST_CASE("a process name with spaces and parentheses does not shift the fields") {
  CHECK(parse_proc_stat(std::string("4242 (my (odd) name) 7 8)") + kRest) == CpuTimes{1500, 250});
  CHECK(parse_proc_stat(std::string("4242 () R ) )") + kRest) == CpuTimes{1500, 250});
}

TEST_CASE("text that is not a stat line gives nothing") {
  CHECK_FALSE(parse_proc_stat(""));
  CHECK_FALSE(parse_proc_stat("4242 sh R 1 2 3"));
  CHECK_FALSE(parse_proc_stat("4242 (sh) R 1 4242 4242"));
  CHECK_FALSE(parse_proc_stat("4242 (sh) R 1 4242 4242 0 -1 4194560 112 0 0 0 -5 250 0"));
}

TEST_CASE("this process's own stat file can be read") {
  const auto times = read_proc_stat(::getpid());
  REQUIRE(times);
}

TEST_CASE("a process that does not exist cannot be read") {
  CHECK_FALSE(read_proc_stat(0x3fffffff));
}

TEST_CASE("the share is the ticks used over the ticks elapsed") {
  CHECK(cpu_share({100, 50}, {150, 100}, 1s, 100) == Approx(1.0));
  CHECK(cpu_share({100, 50}, {110, 50}, 500ms, 100) == Approx(0.2));
  CHECK(cpu_share({100, 50}, {100, 50}, 2s, 100) == 0);
}

TEST_CASE("no time elapsed or a counter going back gives a zero share") {
  CHECK(cpu_share({100, 50}, {150, 100}, 0s, 100) == 0);
  CHECK(cpu_share({100, 50}, {10, 5}, 1s, 100) == 0);
}
