// The XenStore watcher: the domains under a XenStore prefix, their vif and vbd devices and
// their data/ subtrees, followed through a XenStore watch and written into the graph. Knows
// nothing of the host; the plugin adapter (xenstore_watcher_plugin.hpp) hands it an
// executor and the sources behind its ports.
//
// Construction connects, watches the prefix and then reads it (so a watcher started late,
// or again, begins with the whole truth and misses nothing that happens meanwhile). The
// watch's own first firing, which XenStore sends for the prefix when the watch is set, is
// not taken as a change: the store is read once at start, not twice.
// follow() waits on libxenstore's watch descriptor on the executor: each wake-up takes
// every waiting event, reads again the objects they name (domain_trees.hpp) and writes
// what changed.
//
// libxenstore does not signal a store that went away (its reader thread closes the
// connection quietly), so while connected the watcher asks the store one cheap question
// every keepalive interval; any failed request (that one or a reading) starts
// reconnecting, with a growing pause between attempts. A new connection watches and reads
// everything again, and the differences from what was published are written as events.
//
// Invariants:
// - Everything runs on the executor, one handler at a time; stop() takes the same lock, so
//   nothing is written after it returns.
// - After each batch the tables written equal make_tables() of the trees read, and the
//   events written with them are the changes since the previous tables: all land in one
//   tick.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include <boost/asio/any_io_executor.hpp>
#include <mirari/graph.hpp>

#include "common/table_publisher.hpp"
#include "xen_tables.hpp"

namespace mirari::xen {

struct XenStoreWatcherOptions {
  std::string prefix = "/local/domain";
  // How often a connected watcher checks that the store still answers.
  std::chrono::milliseconds keepalive{1000};
  // The longest pause between two attempts to reconnect.
  std::chrono::milliseconds max_reconnect_pause{5000};
  // Told about lost connections, reconnections and failures, on the executor. May be empty.
  std::function<void(const std::string&)> report;
};

struct XenStoreWatcherStats {
  std::uint64_t watch_events = 0;  // watch events taken
  std::uint64_t batches = 0;       // wake-ups that read the store again
  std::uint64_t reconnects = 0;    // connections made again after one was lost
  bool connected = false;
  bool following = false;  // false after stop()
};

class XenStoreWatcher {
 public:
  // What one wake-up changed is written to all four as one batch: a domain and its devices
  // appear in the same tick.
  struct Outputs {
    Graph* graph = nullptr;
    common::TablePublisher<Domains, XenDomainChange> domains;
    common::TablePublisher<Devices, XenDeviceChange> vifs;
    common::TablePublisher<Devices, XenDeviceChange> vbds;
    common::TablePublisher<DataByDomain, XenDataChange> data;
    // New sources in graph, starting at tables. Graph thread.
    static Outputs make(Graph& graph, const XenTables& tables);
  };

  // Connects, watches and reads. Throws XenStoreError when the store does not answer;
  // nothing stays open then.
  XenStoreWatcher(boost::asio::any_io_executor io, XenStoreWatcherOptions options);
  ~XenStoreWatcher();
  XenStoreWatcher(const XenStoreWatcher&) = delete;
  XenStoreWatcher& operator=(const XenStoreWatcher&) = delete;

  // The tables read at construction. Only before follow().
  const XenTables& tables() const;
  // Starts following on the executor. previous: the tables a replaced watcher had
  // published, to write the changes since. Call once.
  void follow(Outputs outputs, const XenTables* previous = nullptr);
  // Closes the connection; nothing is written after it returns. Any thread; idempotent.
  void stop();
  XenStoreWatcherStats stats() const;

 private:
  struct State;
  std::shared_ptr<State> state_;
};

}  // namespace mirari::xen
