// When the route programmer reads a router: before programming it on every verify pass and
// after an error, but not on a pass for a change, which trusts what the previous pass read
// back; and a router whose wanted set did not change is not touched by a change's pass. The
// router here is a table in memory that counts the calls made to it: what is under test is
// the programmer's choice of calls, which the real backends' own tests do not see.
#include <catch2/catch.hpp>

#include <boost/asio/io_context.hpp>
#include <chrono>
#include <memory>
#include <stdexcept>
#include <string>

#include "mirari/testing.hpp"
#include "route_programmer.hpp"

namespace mirari::routes {
namespace {

using ports::routes::RouterRoutes;

struct Calls {
  int reads = 0;
  int applies = 0;
};

class TableRouter final : public RouterBackend {
 public:
  explicit TableRouter(Calls& calls) : calls_(calls) {}
  RouterRoutes read(const RouterRoutes&) override {
    ++calls_.reads;
    return held;
  }
  void apply(const RouterRoutes&, const RouterRoutes& wanted) override {
    ++calls_.applies;
    if (fail) throw std::runtime_error("router down");
    held = wanted;
  }
  RouterRoutes held;
  bool fail = false;

 private:
  Calls& calls_;
};

RouterRoutes announcing(const std::string& prefix) {
  return {{}, {prefix}};
}

TEST_CASE("routes: a change is programmed from the last read-back, a verify pass reads afresh") {
  Calls a_calls, b_calls;
  auto a = std::make_unique<TableRouter>(a_calls);
  auto b = std::make_unique<TableRouter>(b_calls);
  TableRouter& router_a = *a;
  Backends backends;
  backends.emplace("A", std::move(a));
  backends.emplace("B", std::move(b));
  testing::ManualExecutor executor;
  boost::asio::io_context io;
  ports::routes::RoutesApplied reported;
  auto programmer = std::make_shared<RouteProgrammer>(
      executor, io.get_executor(), std::move(backends), std::chrono::milliseconds(1),
      [&](const ports::routes::RoutesApplied& r) { reported = r; });

  // First sight of A: read, program, read back.
  programmer->want(ports::routes::RoutesDesired().set("A", announcing("192.0.2.0/24")));
  executor.run_posted();
  CHECK(a_calls.reads == 2);
  CHECK(a_calls.applies == 1);

  // A change: programmed from what was read back, then read back.
  programmer->want(ports::routes::RoutesDesired().set("A", announcing("198.51.100.0/24")));
  executor.run_posted();
  CHECK(a_calls.reads == 3);
  CHECK(a_calls.applies == 2);
  CHECK(reported.find("A")->held == announcing("198.51.100.0/24"));

  // B appears, A does not change: A is left alone.
  programmer->want(ports::routes::RoutesDesired()
                       .set("A", announcing("198.51.100.0/24"))
                       .set("B", announcing("203.0.113.0/24")));
  executor.run_posted();
  CHECK(a_calls.reads == 3);
  CHECK(b_calls.reads == 2);

  // Someone cleared A by hand: a verify pass reads it and programs it again.
  router_a.held = {};
  programmer->start();
  io.run_one();
  executor.run_posted();
  CHECK(a_calls.reads == 5);
  CHECK(a_calls.applies == 3);
  CHECK(router_a.held == announcing("198.51.100.0/24"));

  // After an error the next change's pass reads first.
  router_a.fail = true;
  programmer->want(ports::routes::RoutesDesired().set("A", announcing("192.0.2.0/24")));
  executor.run_posted();
  CHECK(reported.find("A")->error == "router down");
  router_a.fail = false;
  const int reads = a_calls.reads;
  programmer->want(ports::routes::RoutesDesired().set("A", announcing("203.0.113.0/24")));
  executor.run_posted();
  CHECK(a_calls.reads == reads + 2);
  CHECK(router_a.held == announcing("203.0.113.0/24"));
  programmer->stop();
}

}  // namespace
}  // namespace mirari::routes
