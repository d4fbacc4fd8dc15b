// The XenStore watcher following the store XENSTORED_PATH names, feeding a graph on a
// GraphThread, with observers of xen.data's and xen.vifs' changes: the path from a write to
// the store to the committed tick that shows it, as mirarid runs it.
//
// Construction is the watcher's initial sync: it reads the whole store, publishes the
// tables as the graph's initial values, and starts following.
#pragma once

#include <functional>
#include <optional>
#include <utility>
#include <vector>

#include <mirari/combinators.hpp>

#include "graph_thread.hpp"
#include "xenstore_watcher.hpp"

namespace mirari::bench {

class XenstorePipeline {
 public:
  // on_data and on_vif (either may be empty) run on the graph thread, in the effects of each
  // committed tick, once per change of xen.data and xen.vifs.
  explicit XenstorePipeline(std::function<void(const xen::XenDataChange&)> on_data,
                            std::function<void(const xen::XenDeviceChange&)> on_vif = {}) {
    watcher_.emplace(thread_.executor(), xen::XenStoreWatcherOptions{});
    auto out = xen::XenStoreWatcher::Outputs::make(thread_.graph(), watcher_->tables());
    if (on_data) observe_each(out.data.changes(), std::move(on_data));
    if (on_vif) observe_each(out.vifs.changes(), std::move(on_vif));
    watcher_->follow(std::move(out));
    thread_.start();
  }
  ~XenstorePipeline() {
    watcher_->stop();
    thread_.stop();
  }
  XenstorePipeline(const XenstorePipeline&) = delete;
  XenstorePipeline& operator=(const XenstorePipeline&) = delete;

  xen::XenStoreWatcherStats stats() const { return watcher_->stats(); }
  // CPU time of the thread the watcher and the graph run on, in nanoseconds. libxenstore
  // reads the socket on a thread of its own, which this leaves out.
  std::int64_t cpu_ns() { return thread_.cpu_ns(); }

 private:
  template <class Change>
  static void observe_each(const Event<std::vector<Change>>& changes,
                           std::function<void(const Change&)> fn) {
    mirari::observe(changes, [fn = std::move(fn)](const std::vector<Change>& all) {
      for (const Change& c : all) fn(c);
    });
  }

  GraphThread thread_;
  std::optional<xen::XenStoreWatcher> watcher_;
};

}  // namespace mirari::bench
