// Reading a process's start time from /proc/<pid>/stat.
#include <catch2/catch.hpp>

#include <unistd.h>

#include "proc_start_time.hpp"

using mirari::instances::parse_start_time;
using mirari::instances::read_start_time;

TEST_CASE("the start time is field 22, counted after the last parenthesis of the name") {
  const std::string stat =
      "4242 (we(i) rd name) S 1 4242 4242 0 -1 4194560 100 0 0 0 3 4 0 0 20 0 1 0 987654 "
      "12345678 100 18446744073709551615";
  CHECK(parse_start_time(stat) == 987654);
}

TEST_CASE("text that is not a stat line has no start time") {
  CHECK_FALSE(parse_start_time(""));
  CHECK_FALSE(parse_start_time("4242 no parentheses S 1"));
  CHECK_FALSE(parse_start_time("4242 (short) S 1 2 3"));
  CHECK_FALSE(
      parse_start_time("4242 (x) S 1 4242 4242 0 -1 4194560 100 0 0 0 3 4 0 0 20 0 1 0 "
                       "soon 1 2"));
}

TEST_CASE("this process has a start time, a process that does not exist has none") {
  CHECK(read_start_time(::getpid()));
  CHECK(read_start_time(::getpid()) == read_start_time(::getpid()));
  CHECK_FALSE(read_start_time(0x3fffffff));
}
