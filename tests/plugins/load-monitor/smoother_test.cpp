// The moving average of an instance's load.
#include <catch2/catch.hpp>

#include <vector>

#include "smoother.hpp"

using mirari::load::MovingAverage;

TEST_CASE("the average is the mean of the samples so far until the window is full") {
  MovingAverage average(4);
  CHECK(average.value() == 0);
  CHECK(average.add(1.0) == Approx(1.0));
  CHECK(average.add(3.0) == Approx(2.0));
  CHECK(average.size() == 2);
}

TEST_CASE("a sample leaves the average after window newer ones") {
  MovingAverage average(3);
  for (double s : {9.0, 1.0, 1.0}) average.add(s);
  CHECK(average.value() == Approx(11.0 / 3));
  CHECK(average.add(1.0) == Approx(1.0));
  CHECK(average.size() == 3);
}

TEST_CASE("a window of one passes samples through") {
  MovingAverage average(1);
  CHECK(average.add(0.3) == 0.3);
  CHECK(average.add(0.7) == 0.7);
}

TEST_CASE("the samples held come back oldest first once the ring has turned") {
  MovingAverage average(3);
  for (double s : {1.0, 2.0, 3.0, 4.0, 5.0}) average.add(s);
  CHECK(average.samples() == std::vector<double>{3.0, 4.0, 5.0});
  CHECK(average.value() == Approx(4.0));
}

TEST_CASE("a cleared average starts again from its next sample") {
  MovingAverage average(2);
  average.add(8.0);
  average.add(6.0);
  average.clear();
  CHECK(average.size() == 0);
  CHECK(average.value() == 0);
  CHECK(average.add(1.0) == 1.0);
  CHECK(average.samples() == std::vector<double>{1.0});
}
