// The changes that lead from one table of a watcher to another. Every watcher keeps its
// state as a std::map keyed by a stable id, and its events are {kind, old, new} with kind
// added, changed or removed; this is the one place that turns two tables into such events.
#pragma once

#include <optional>
#include <vector>

namespace mirari::common {

// Appends to events the changes that lead from before to after, in key order: removed for
// a key only before, added for a key only after, changed for a key whose value differs.
// Event is an aggregate {Kind kind; std::optional<V> old; std::optional<V> new;}.
template <class Event, class Table>
void diff_tables(const Table& before, const Table& after, std::vector<Event>& events) {
  using Kind = typename Event::Kind;
  auto b = before.begin();
  auto a = after.begin();
  while (b != before.end() || a != after.end()) {
    if (a == after.end() || (b != before.end() && b->first < a->first)) {
      events.push_back({Kind::removed, b->second, std::nullopt});
      ++b;
    } else if (b == before.end() || a->first < b->first) {
      events.push_back({Kind::added, std::nullopt, a->second});
      ++a;
    } else {
      if (b->second != a->second) events.push_back({Kind::changed, b->second, a->second});
      ++a;
      ++b;
    }
  }
}

}  // namespace mirari::common
