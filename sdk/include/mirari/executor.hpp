// Where asynchronous work runs. The host hands plugins an executor backed by its event
// loop's thread pool; tests may use any implementation.
#pragma once

#include <functional>

namespace mirari {

class Executor {
 public:
  virtual ~Executor() = default;
  // Runs work later on some thread of the executor. Thread-safe. Never runs work inline.
  virtual void post(std::function<void()> work) = 0;
};

}  // namespace mirari
