// The changes that lead from one table of a watcher to another. Every watcher keeps its
// state as a mirari::Table keyed by a stable id, and its events are {kind, old, new} with
// kind added, changed or removed; this is the one place that turns two tables into such
// events.
#pragma once

#include <optional>
#include <vector>

#include <mirari/table.hpp>

namespace mirari::common {

// Appends to events the changes that lead from before to after, in the tables' hash order:
// removed for a key only before, added for a key only after, changed for a key whose value
// differs. Costs O(changes) when after was derived from before (mirari::diff). Event is an
// aggregate {Kind kind; std::optional<V> old; std::optional<V> new;}.
template <class Event, class K, class V>
void diff_tables(const Table<K, V>& before, const Table<K, V>& after, std::vector<Event>& events) {
  using Kind = typename Event::Kind;
  // Every dereference is under its own null check: GCC 12 at -O3 otherwise warns of a null
  // value copied (-Warray-bounds) on the path it cannot rule out.
  diff(before, after, [&events](const K&, const V* was, const V* now) {
    if (was != nullptr && now != nullptr) {
      events.push_back({Kind::changed, *was, *now});
    } else if (now != nullptr) {
      events.push_back({Kind::added, std::nullopt, *now});
    } else if (was != nullptr) {
      events.push_back({Kind::removed, *was, std::nullopt});
    }
  });
}

}  // namespace mirari::common
