// The XenStore watcher following the store XENSTORED_PATH names, feeding a graph on a
// GraphThread, with an observer of xen.data's changes: the path from a guest's write under
// data/ to the committed tick that shows it, as mirarid runs it.
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
  // on_data runs on the graph thread, in the effects of each committed tick, once per change
  // of xen.data.
  explicit XenstorePipeline(std::function<void(const xen::XenDataChange&)> on_data) {
    watcher_.emplace(thread_.executor(), xen::XenStoreWatcherOptions{});
    auto out = xen::XenStoreWatcher::Outputs::make(thread_.graph(), watcher_->tables());
    mirari::observe(out.data.changes(),
                    [on_data = std::move(on_data)](const std::vector<xen::XenDataChange>& all) {
                      for (const xen::XenDataChange& c : all) on_data(c);
                    });
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
  GraphThread thread_;
  std::optional<xen::XenStoreWatcher> watcher_;
};

}  // namespace mirari::bench
