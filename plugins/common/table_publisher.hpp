// How a watcher writes what it read into the graph: its table and the changes that led to it
// as one batch, so that the table port and its change-event port land in the same tick and
// never disagree for one. A wake-up that read many changes makes one tick, whose change
// event lists them all in the order they happened.
#pragma once

#include <utility>
#include <vector>

#include <mirari/graph.hpp>
#include <mirari/source.hpp>

namespace mirari::common {

template <class Table, class Change>
class TablePublisher {
 public:
  TablePublisher() = default;
  TablePublisher(Graph& graph, Source<Table> table, EventSource<std::vector<Change>> changes)
      : graph_(&graph), table_(std::move(table)), changes_(std::move(changes)) {}
  // New sources in graph, the table starting at initial. Graph thread.
  static TablePublisher make(Graph& graph, Table initial) {
    return TablePublisher(graph, graph.source<Table>(std::move(initial)),
                          graph.event_source<std::vector<Change>>());
  }

  // Writes now and the changes since the previous write, then empties changes. Nothing is
  // written when there are no changes. Any thread.
  void publish(const Table& now, std::vector<Change>& changes) const {
    if (changes.empty()) return;
    graph_->batch([&] {
      table_.set(now);
      changes_.emit(std::move(changes));
    });
    changes.clear();
  }

  // The committed table (graph thread).
  const Table& value() const noexcept { return table_.value(); }
  // The nodes to publish (graph thread).
  Signal<Table> table() const noexcept { return table_.signal(); }
  Event<std::vector<Change>> changes() const noexcept { return changes_.event(); }

 private:
  Graph* graph_ = nullptr;
  Source<Table> table_;
  EventSource<std::vector<Change>> changes_;
};

}  // namespace mirari::common
