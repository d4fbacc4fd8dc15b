// One router the plugin programs, whatever speaks to it. Called from one thread at a time
// (the programmer's pass), never from the graph's.
#pragma once

#include <mirari/ports/routes.hpp>

namespace mirari::routes {

class RouterBackend {
 public:
  virtual ~RouterBackend() = default;
  // What the router holds of the plugin's (canonical, sorted). A held route that differs from
  // one of wanted only by what the router filled in itself (the device it resolved the next
  // hop to) is reported as wanted has it. Throws std::exception with a message naming what
  // failed (the namespace is gone, the daemon does not answer).
  virtual ports::routes::RouterRoutes read(const ports::routes::RouterRoutes& wanted) = 0;
  // Makes the router go from held (what read() returned) to wanted (checked, canonical),
  // touching only the differences. Throws as read() does; what was done before the failure
  // stays, and the next read() reports it.
  virtual void apply(const ports::routes::RouterRoutes& held,
                     const ports::routes::RouterRoutes& wanted) = 0;
};

}  // namespace mirari::routes
