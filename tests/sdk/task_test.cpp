// Tasks: asynchronous work lifted into a signal. Completions are inputs, taken in a later tick;
// a restart makes every earlier run's completion irrelevant.
#include <catch2/catch.hpp>

#include <cstddef>
#include <functional>
#include <stdexcept>
#include <utility>
#include <vector>

#include "mirari/mirari.hpp"
#include "node_lookup.hpp"

namespace mirari {
namespace {

// Keeps posted work until the test runs it, in any order it likes.
class ManualExecutor final : public Executor {
 public:
  void post(std::function<void()> work) override { jobs_.push_back(std::move(work)); }
  std::size_t posted() const noexcept { return jobs_.size(); }
  // Runs the job posted index-th (from 0).
  void run(std::size_t index) { std::exchange(jobs_.at(index), nullptr)(); }

 private:
  std::vector<std::function<void()>> jobs_;
};

TEST_CASE("a task is pending until its work completes, then done with the work's value") {
  Graph graph;
  ManualExecutor executor;
  auto fetch = task<int>(graph, executor, [] { return 42; });
  graph.run_until_idle();
  CHECK(fetch.state().value().pending());

  REQUIRE(executor.posted() == 1);
  executor.run(0);
  graph.run_until_idle();

  const TaskState<int>& state = fetch.state().value();
  CHECK(state.done());
  CHECK(state.value == 42);
}

TEST_CASE("a task's completion is taken as an input in a later tick") {
  Graph graph;
  ManualExecutor executor;
  auto fetch = task<int>(graph, executor, [] { return 7; });
  fetch.state().named("fetch");
  graph.run_until_idle();
  const std::uint64_t tick_before = graph.current_tick();

  executor.run(0);

  CHECK(fetch.state().value().pending());
  CHECK_FALSE(graph.idle());
  const TickResult result = graph.tick();
  CHECK(result.inputs == 1);
  CHECK(result.tick == tick_before + 1);
  CHECK(fetch.state().value().done());
  CHECK(node_named(graph, "fetch").changed_tick == result.tick);
}

TEST_CASE("a task whose work throws fails with the exception's message") {
  Graph graph;
  ManualExecutor executor;
  auto fetch = task<int>(graph, executor, []() -> int { throw std::runtime_error("no route"); });

  executor.run(0);
  graph.run_until_idle();

  const TaskState<int>& state = fetch.state().value();
  CHECK(state.failed());
  CHECK(state.error == "no route");
  CHECK_FALSE(state.value.has_value());
}

TEST_CASE("a restarted task stays pending when an earlier run completes") {
  Graph graph;
  ManualExecutor executor;
  int answer = 0;
  auto fetch = task<int>(graph, executor, [&] { return answer; });
  fetch.restart();
  graph.run_until_idle();
  REQUIRE(executor.posted() == 2);

  answer = 1;
  executor.run(0);
  graph.run_until_idle();
  CHECK(fetch.state().value().pending());

  answer = 2;
  executor.run(1);
  graph.run_until_idle();
  CHECK(fetch.state().value().done());
  CHECK(fetch.state().value().value == 2);
}

TEST_CASE("a late completion of an earlier run does not overwrite the latest result") {
  Graph graph;
  ManualExecutor executor;
  int answer = 0;
  auto fetch = task<int>(graph, executor, [&] { return answer; });
  fetch.restart();
  graph.run_until_idle();

  answer = 2;
  executor.run(1);
  graph.run_until_idle();
  answer = 1;
  executor.run(0);
  graph.run_until_idle();

  CHECK(fetch.state().value().done());
  CHECK(fetch.state().value().value == 2);
}

TEST_CASE("restarting a finished task makes it pending again") {
  Graph graph;
  ManualExecutor executor;
  auto fetch = task<int>(graph, executor, [] { return 3; });
  executor.run(0);
  graph.run_until_idle();
  REQUIRE(fetch.state().value().done());

  fetch.restart();
  graph.run_until_idle();

  CHECK(fetch.state().value().pending());
  CHECK(executor.posted() == 2);
}

}  // namespace
}  // namespace mirari
