// Keeps plugin libraries mapped until the Asio execution context their I/O ran on is gone.
//
// Asio creates a service in an execution context the first time an I/O object of a given kind
// (a descriptor, a socket of some protocol, a timer on some clock) is made on it, and keeps it
// until the context is destroyed. The service's key is process-wide, but its code (its
// vtable) is that of the library that made it first: when only a plugin uses that kind of
// object, the code is the plugin's. Closing that library while the worker pool lives would
// leave the pool calling unmapped code when it shuts its services down at exit.
//
// So a PluginExecutor gives its library's anchor to the CodeKeeper of the worker pool as soon
// as its plugin asks for the I/O executor (the only way a plugin makes I/O objects on the
// pool). The keeper is itself a service of the pool, registered before any plugin runs
// (WorkerThreads makes it first; a PluginExecutor makes it, if need be, before its plugin
// starts), and Asio shuts down and destroys services newest first: the libraries are
// released only after every service a plugin made is gone.
//
// Cost: a library whose plugin did I/O on the pool stays mapped until the pool is destroyed
// (mirarid's exit) when it is unloaded or replaced at run time, though nothing of it runs. A
// plugin that never asks for I/O (a policy computing on the graph) is released once quiet.
//
// Invariant: every anchor given to keep() lives until the keeper's context destroys it.
#pragma once

#include <boost/asio/execution_context.hpp>
#include <memory>
#include <mutex>
#include <vector>

namespace mirari::host {

class CodeKeeper final : public boost::asio::execution_context::service {
 public:
  static boost::asio::execution_context::id id;

  explicit CodeKeeper(boost::asio::execution_context& context);
  // Holds anchor until the context is destroyed. Thread-safe.
  void keep(std::shared_ptr<const void> anchor);

 private:
  void shutdown() override {}

  std::mutex mutex_;
  std::vector<std::shared_ptr<const void>> anchors_;
};

}  // namespace mirari::host
