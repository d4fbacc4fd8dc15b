// The load monitor: the instances' channel back to the configuration-space. Knows nothing
// of the host; the plugin adapter (load_monitor_plugin.hpp) hands it an executor, the
// sources behind its ports and a way to warn.
//
// Two inputs, both on the executor, neither polling on a thread of its own:
// - a unix datagram socket instances write reports to (see report_parser.hpp); each
//   wake-up takes every datagram waiting (recvmmsg, many per system call), and what they
//   changed is written once: the list of samples and the signals, in one tick;
// - for process instances, a timer that reads /proc/<pid>/stat every sample interval and
//   turns the CPU time used since the previous reading into a share of one CPU.
// Rejected report lines are counted, and logged as rejection_log.hpp says.
//
// The socket is bound under a staging name, given mode 0600 and then renamed into place,
// so no one can connect before its mode is set, and a socket left by a previous run (or by
// the instance a reload replaces) is replaced atomically. stop() removes the file only if
// it is still the one this monitor created.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include <boost/asio/any_io_executor.hpp>
#include <mirari/graph.hpp>
#include <mirari/source.hpp>

#include "load_monitor_options.hpp"
#include "load_ports.hpp"

namespace mirari::load {

class LoadMonitor {
 public:
  // Written in batches: the samples taken and the state they led to land in one tick. One
  // batch is on its way at a time; what is read meanwhile goes in the next (see follow()).
  struct Outputs {
    Graph* graph = nullptr;
    Source<LoadByInstance> by_instance;
    Source<double> total;
    Source<InstanceReports> reports;
    EventSource<std::vector<LoadSample>> samples;
    Source<std::uint64_t> rejected;
  };
  using Warn = std::function<void(const std::string&)>;

  // Creates the socket's directory if needed and binds the socket. Throws std::system_error
  // (naming the path) when it cannot, or when the path exists and is not a socket; nothing
  // is left behind then.
  LoadMonitor(boost::asio::any_io_executor io, LoadMonitorOptions options, Warn warn);
  ~LoadMonitor();
  LoadMonitor(const LoadMonitor&) = delete;
  LoadMonitor& operator=(const LoadMonitor&) = delete;

  // The averages, the latest reports, the count of refused lines and the XenStore values
  // taken, as JSON, for the monitor
  // a reload starts. Any thread.
  std::string snapshot() const;
  // Takes over a snapshot, before follow(). Throws nlohmann::json::exception for a malformed
  // one, changing nothing.
  void restore(const std::string& snapshot);
  // What the signal ports start from: the restored state, or nothing.
  struct Current {
    LoadByInstance by_instance;
    double total = 0;
    InstanceReports reports;
    std::uint64_t rejected = 0;
  };
  Current current() const;
  // Starts receiving reports and sampling processes, writing to outputs. Makes one node of
  // its own in outputs.graph (which acknowledges each batch once its tick committed), so it
  // runs where nodes may be made: on the graph's thread, in the plugin's start(). Call once.
  void follow(Outputs outputs);
  // A function that takes the values guests keep under their XenStore data/ directories
  // (the xen.data port's value) as reports: those new or changed since its previous call
  // (see xen_reports.hpp). It may outlive the monitor, and does nothing after stop(). Any
  // thread.
  std::function<void(const ports::xen::DataByDomain&)> xen_data_sink() const;
  // Closes the socket, cancels the timer and removes the socket file; no handler runs or
  // writes after it returns. Any thread; idempotent.
  void stop();

 private:
  struct State;
  std::shared_ptr<State> state_;
};

}  // namespace mirari::load
