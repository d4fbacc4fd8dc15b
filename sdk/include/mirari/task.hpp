// Asynchronous work lifted into the graph (the seed's 'a Lwt turned into a signal).
//
// task(graph, executor, work) runs work() on the executor and returns a Task whose state()
// signal is pending, then done(value) or failed(error). The completion arrives as an input,
// so it lands in a later tick like any other. restart() runs the work again: the state
// goes back to pending and completions of earlier runs are ignored from then on.
#pragma once

#include <atomic>
#include <cstdint>
#include <exception>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>

#include "mirari/combinators.hpp"
#include "mirari/executor.hpp"
#include "mirari/graph.hpp"

namespace mirari {

template <class T>
struct TaskState {
  enum class Phase { pending, done, failed };
  Phase phase = Phase::pending;
  std::optional<T> value;  // set when done
  std::string error;       // set when failed
  bool pending() const noexcept { return phase == Phase::pending; }
  bool done() const noexcept { return phase == Phase::done; }
  bool failed() const noexcept { return phase == Phase::failed; }
  bool operator==(const TaskState&) const = default;
};

template <HasTypeName T>
struct TypeName<TaskState<T>> {
  static std::string get() { return "task<" + type_name<T>() + ">"; }
};

template <class T>
class Task {
 public:
  // The state of the latest run. Graph thread.
  Signal<TaskState<T>> state() const noexcept { return state_; }
  // Starts the work again. Any thread.
  void restart() const { control_->start(); }

 private:
  struct Completion {
    std::uint64_t run;
    TaskState<T> state;
  };
  struct Control : std::enable_shared_from_this<Control> {
    Executor* executor;
    std::function<T()> work;
    EventSource<Completion> completions;
    std::atomic<std::uint64_t> runs{0};

    void start() {
      const std::uint64_t run = ++runs;
      completions.emit(Completion{run, TaskState<T>{}});
      executor->post([self = this->shared_from_this(), run] {
        TaskState<T> state;
        try {
          state.value.emplace(self->work());
          state.phase = TaskState<T>::Phase::done;
        } catch (const std::exception& e) {
          state.phase = TaskState<T>::Phase::failed;
          state.error = e.what();
        } catch (...) {
          state.phase = TaskState<T>::Phase::failed;
          state.error = "unknown exception";
        }
        self->completions.emit(Completion{run, std::move(state)});
      });
    }
  };

  template <class U, class F>
  friend Task<U> task(Graph& graph, Executor& executor, F work);

  std::shared_ptr<Control> control_;
  Signal<TaskState<T>> state_;
};

template <class T, class F>
Task<T> task(Graph& graph, Executor& executor, F work) {
  using Completion = typename Task<T>::Completion;
  Task<T> out;
  out.control_ = std::make_shared<typename Task<T>::Control>();
  out.control_->executor = &executor;
  out.control_->work = std::move(work);
  graph.change(graph.current_owner(), [&] {
    out.control_->completions = graph.event_source<Completion>();
    // Keeps the latest run's state: a late completion of an earlier run is ignored.
    auto latest = fold(out.control_->completions.event(), Completion{0, TaskState<T>{}},
                       [](const Completion& now, const Completion& next) {
                         return next.run >= now.run ? next : now;
                       });
    out.state_ = map(latest, [](const Completion& c) { return c.state; });
  });
  out.control_->start();
  return out;
}

}  // namespace mirari
