// An rtnetlink watcher (net or ARP) following a network namespace, feeding a graph on a
// GraphThread, with an observer of its change events: the path from a kernel change to the
// committed tick that shows it, as mirarid runs it.
//
// Construction is the watcher's initial sync: it reads the namespace's state, publishes it as
// the graph's initial table, and starts following.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <mirari/combinators.hpp>

#include "common/table_publisher.hpp"
#include "graph_thread.hpp"
#include "rtnetlink/mirror.hpp"

namespace mirari::bench {

template <class Watcher>
class RtnetlinkPipeline {
 public:
  using Table = typename Watcher::Table;
  using Event = typename Watcher::Event;

  // receive_buffer: bytes, 0 for the system default. on_event runs on the graph thread, in
  // the effects of each committed tick, once per change.
  RtnetlinkPipeline(const std::string& netns, int receive_buffer,
                    std::function<void(const Event&)> on_event) {
    watcher_.emplace(thread_.executor(), rtnetlink::MirrorOptions{netns, receive_buffer, {}});
    auto out = common::TablePublisher<Table, Event>::make(thread_.graph(), watcher_->table());
    mirari::observe(out.changes(), [on_event = std::move(on_event)](const std::vector<Event>& all) {
      for (const Event& e : all) on_event(e);
    });
    watcher_->follow(out);
    thread_.start();
  }
  ~RtnetlinkPipeline() {
    watcher_->stop();
    thread_.stop();
  }
  RtnetlinkPipeline(const RtnetlinkPipeline&) = delete;
  RtnetlinkPipeline& operator=(const RtnetlinkPipeline&) = delete;

  rtnetlink::MirrorStats stats() const { return watcher_->stats(); }
  // CPU time of the thread the watcher and the graph run on, in nanoseconds.
  std::int64_t cpu_ns() { return thread_.cpu_ns(); }

 private:
  GraphThread thread_;
  std::optional<Watcher> watcher_;
};

}  // namespace mirari::bench
