// Ticks and structural steps: drain, propagate in height order, commit or roll back, effects.
#include <algorithm>
#include <boost/container/small_vector.hpp>
#include <cassert>
#include <chrono>
#include <utility>

#include "graph_impl.hpp"

namespace mirari {

using detail::NodeBase;

namespace {

// The nodes that may compute again in a tick after changing in it: an event brought up to
// date (demand.cpp) or created occurring, a port rebound to a new publisher. Any other node
// computes at most once a tick, so its change needs no check that it is the first.
constexpr std::uint32_t kComputesAgain = detail::kEvent | detail::kPort;

// Restores a value when a scope ends, however it ends.
template <class T>
class Restore {
 public:
  Restore(T& slot, T value) : slot_(slot), saved_(std::exchange(slot, std::move(value))) {}
  ~Restore() { slot_ = std::move(saved_); }
  Restore(const Restore&) = delete;
  Restore& operator=(const Restore&) = delete;

 private:
  T& slot_;
  T saved_;
};

std::string describe(const std::exception_ptr& error) {
  try {
    std::rethrow_exception(error);
  } catch (const std::exception& e) {
    return e.what();
  } catch (...) {
    return "unknown exception";
  }
}

}  // namespace

Graph::Graph() : impl_(std::make_unique<Impl>(*this)) {}

Graph::~Graph() {
  // No computation runs while the nodes are torn down, so edges need no unlinking.
  impl_->for_each_node([this](NodeBase* node) { impl_->free_node(node); });
}

void Graph::Impl::free_node(NodeBase* node) noexcept {
  // footprint 0: a node over 64 KiB, which the arena keeps in a region of its own.
  const std::size_t size =
      node->footprint != 0 ? node->footprint : detail::NodeArena::kMaxSmall + 1;
  if ((node->flags & detail::kInternal) != 0) --internal_effects;
  node->~NodeBase();
  arena.deallocate(node, size);
  --node_count;
}

void* Graph::allocate_node(std::size_t size) {
  if (impl_->in_effects) throw GraphError("an effect cannot change the graph's structure");
  return impl_->arena.allocate(size);
}

void Graph::release_node_memory(void* memory, std::size_t size) noexcept {
  impl_->arena.deallocate(memory, size);
}

// --- steps ---

template <class Body>
bool Graph::Impl::run_step(TickResult& result, std::exception_ptr& error, Body&& body) {
  // Reading the clock costs as much as a small tick, so one step in kTimedEvery is timed.
  const bool timed = stats.ticks % kTimedEvery == 0;
  const auto start =
      timed ? std::chrono::steady_clock::now() : std::chrono::steady_clock::time_point{};
  const std::uint64_t recomputes_before = stats.recomputes;
  ++step_depth;
  try {
    body();
    propagate();
  } catch (...) {
    --step_depth;
    const NodeBase* culprit = running;
    running = nullptr;
    const std::exception_ptr thrown = std::current_exception();
    NodeError failure = culprit != nullptr ? node_error(culprit, describe(thrown))
                                           : NodeError("(step)", owners[owner], describe(thrown));
    rollback();
    if (culprit == nullptr) error = thrown;
    result.errors.push_back(std::move(failure));
    result.recomputed += stats.recomputes - recomputes_before;
    ++result.rolled_back;
    ++stats.rolled_back;
    return false;
  }
  --step_depth;
  result.recomputed += stats.recomputes - recomputes_before;
  commit(result);
  if (timed) {
    stats.last_tick_ns =
        static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                       std::chrono::steady_clock::now() - start)
                                       .count());
  }
  return true;
}

// Sources are never queued for recomputation, so kQueued marks "has a write in this batch"
// while inputs are applied, and is clear again when this returns.
std::size_t Graph::Impl::apply_inputs(std::size_t limit) {
  // The writes of this tick: the longest run of whole batches (a lone write is a batch of
  // one) in which no event source occurs twice — its next occurrence, and everything queued
  // after it, waits for the next tick so that order is kept — at most limit batches that
  // still have a live target.
  // The usual cases, decided without flagging anything: one write waiting, or a lone emit
  // followed by another to the same event source (a writer's burst).
  if (limit > 0 && inbox[inbox_next].target != nullptr && !inbox[inbox_next].joins_next) {
    NodeBase* target = inbox[inbox_next].target;
    const std::size_t next = inbox_next + 1;
    if (next == inbox.size() || (target->is_event() && inbox[next].target == target)) {
      inbox_next = next;
      running = target;
      if (target->apply_input(inbox[next - 1].value)) mark_changed(target);
      running = nullptr;
      return 1;
    }
  }
  const std::size_t first = inbox_next;
  std::size_t end = first;
  std::size_t taken = 0;
  std::size_t batches = 0;
  while (end < inbox.size() && batches < limit) {
    std::size_t stop = end;
    bool clash = false;
    bool live = false;
    do {
      const NodeBase* target = inbox[stop].target;
      if (target == nullptr) continue;
      live = true;
      clash = clash || (target->is_event() && (target->flags & detail::kQueued) != 0);
    } while (inbox[stop++].joins_next && stop < inbox.size());
    if (clash) break;  // never the first batch: flags are clear then, and a batch repeats no source
    for (std::size_t i = end; i < stop; ++i) {
      if (inbox[i].target == nullptr) continue;
      inbox[i].target->flags |= detail::kQueued;
      ++taken;
    }
    end = stop;
    if (live) ++batches;
  }
  inbox_next = end;
  // Applied last to first, each source once: the last write to a signal source is the one
  // compared with its pre-tick value, so writes that come back to it change nothing.
  std::size_t i = end;
  try {
    while (i-- > first) {
      NodeBase* target = inbox[i].target;
      if (target == nullptr || (target->flags & detail::kQueued) == 0) continue;
      target->flags &= ~detail::kQueued;
      running = target;
      if (target->apply_input(inbox[i].value)) mark_changed(target);
    }
  } catch (...) {
    for (std::size_t j = first; j < i; ++j) {
      if (inbox[j].target != nullptr) inbox[j].target->flags &= ~detail::kQueued;
    }
    throw;
  }
  running = nullptr;
  return taken;
}

void Graph::Impl::mark_changed(NodeBase* node) {
  // Again on the graph thread: the write may have fetched the lines into another core's cache.
  detail::prefetch_path(node);
  const std::uint64_t now = tick_no + 1;
  if (node->changed_tick == now) return;  // its dependents are awake already
  if (NodeBase* next = changed(node, now, (node->flags & detail::kEndTick) != 0)) {
    ready.push_back(next);
  }
}

// Records that node changed in tick now and wakes its needed dependents: observers join the
// effects to run, nodes whose only input it is are ready at once, the others wait in the
// height queue. A chain's next node is returned instead of queued, so the hot loop goes
// straight on to it; a wide node's list is walked by the hot loop itself (spans). ends: the
// node is flagged kEndTick.
inline NodeBase* Graph::Impl::changed(NodeBase* node, std::uint64_t now, bool ends) {
  assert(node->changed_tick != now);
  assert(ends == ((node->flags & detail::kEndTick) != 0));
  journal.changed.push_back({node, node->changed_tick});
  node->changed_tick = now;
  if (ends) journal.to_end.push_back(node);
  using Edges = detail::DependentList;
  const std::uintptr_t word = node->dependents.word();
  if (static_cast<std::intptr_t>(word) < 0) {
    // One observer, inline, woken by it (kEffect is the sign bit, on waking edges only, and
    // an observer is never idle): tested first, as the leaves of a wide node usually are
    // observed (a fan-out's leaf: 76 -> 71 instructions in all).
    fire(static_cast<detail::EffectNode*>(Edges::node_of(word)));
    return nullptr;
  }
  if ((word & (Edges::kBlock | Edges::kIdle | Edges::kQuiet)) == 0 && word != 0) {
    // A chain: its next node is read in a moment anyway, so its own flag decides.
    NodeBase* dependent = Edges::node_of(word);
    if ((dependent->flags & detail::kSimple) != 0) return dependent;
    wake(word);
    return nullptr;
  }
  if ((word & Edges::kBlock) != 0) {
    const std::span<const std::uintptr_t> entries = node->dependents.needed_block();
    if (!entries.empty()) spans.push_back({entries.data(), entries.data() + entries.size()});
  }
  return nullptr;  // else no dependent, or one that is idle or not woken by it
}

void Graph::Impl::flush_spans() {
  using Edges = detail::DependentList;
  if (walk.next != walk.end) spans.push_back(walk);
  walk = {};
  // Backwards, so the ready list (last in, first out) computes them in list order. Each
  // entry as propagate() takes it from a span; written out there too, as a shared helper
  // costs the hot loop a test a leaf.
  for (const Span& span : spans) {
    for (const std::uintptr_t* at = span.end; at-- != span.next;) {
      if ((*at & Edges::kSimple) != 0) {
        ready.push_back(Edges::node_of(*at));
      } else if ((*at & Edges::kQuiet) == 0) {
        wake(*at);
      }
    }
  }
  spans.clear();
}

// Wakes the dependent an entry names: an observer joins the effects to run (its entry says
// so: it is not read now), any other node the height queue.
inline void Graph::Impl::wake(std::uintptr_t entry) {
  NodeBase* dependent = detail::DependentList::node_of(entry);
  if ((entry & detail::DependentList::kEffect) != 0) {
    fire(static_cast<detail::EffectNode*>(dependent));
  } else {
    if ((entry & detail::DependentList::kInputBits) != 0) [[unlikely]] {
      tell_input(dependent, entry);
    }
    if ((dependent->flags & detail::kQueued) == 0) {
      dependent->flags |= detail::kQueued;
      heights.push(dependent);
    }
  }
}

// Out of wake(), which inlines into the hot loop: few nodes are told which input changed.
void Graph::Impl::tell_input(NodeBase* dependent, std::uintptr_t entry) noexcept {
  const std::uint32_t input = detail::DependentList::input_of(entry);
  dependent->input_changed(input == detail::DependentList::kFarInput ? detail::kEveryInput
                                                                     : input - 1);
}

void Graph::Impl::propagate() {
  const std::uint64_t now = tick_no + 1;
  std::uint32_t height = 0;
  std::uint64_t recomputed = 0;
  NodeBase* node = nullptr;
  try {
    for (;;) {
      if (node == nullptr) {
        if (walk.next != walk.end) {
          const std::uintptr_t entry = *walk.next++;
          using Edges = detail::DependentList;
          if ((entry & Edges::kSimple) == 0) [[unlikely]] {
            if ((entry & Edges::kQuiet) == 0) wake(entry);
            continue;
          }
          node = Edges::node_of(entry);
        } else if (!ready.empty()) {
          node = ready.back();
          ready.pop_back();
        } else if (!spans.empty()) {
          walk = spans.back();
          spans.pop_back();
          continue;
        } else {
          node = heights.pop(height);
          if (node == nullptr) break;
          if (node->height != height) {  // raised while queued: its new entry counts
            node = nullptr;
            continue;
          }
          node->flags &= ~detail::kQueued;
        }
      }
      // A node that may be leaving, may have changed already, or has an end_tick() takes the
      // longer way; the others, a signal of a plain value, need none of those tests. Both ways
      // end in one call of changed(): with a copy of it on each, the chain beside 1M idle nodes
      // ran 10% slower, on the same instructions.
      const std::uint32_t flags = node->flags;
      bool ends = false;
      if ((flags & (detail::kLeaving | kComputesAgain | detail::kEndTick)) != 0) [[unlikely]] {
        if ((flags & detail::kLeaving) != 0) {  // dropped in this tick
          node = nullptr;
          continue;
        }
        if ((flags & kComputesAgain) != 0 && node->changed_tick == now) {
          ++node->recomputes;
          ++recomputed;
          node->recompute();
          node = nullptr;  // it changed earlier in this tick: its dependents are awake
          continue;
        }
        ends = (flags & detail::kEndTick) != 0;
      }
      ++node->recomputes;
      ++recomputed;
      node = node->recompute() ? changed(node, now, ends) : nullptr;
    }
  } catch (...) {
    stats.recomputes += recomputed;
    if (running == nullptr) running = node;  // else a node brought up to date inside it failed
    throw;
  }
  stats.recomputes += recomputed;
}

void Graph::Impl::commit(TickResult& result) {
  ++tick_no;
  ++stats.ticks;
  ++result.committed;
  result.tick = tick_no;
  run_effects(result);
  for (NodeBase* node : journal.to_end) node->end_tick();
  if (journal.structural()) {
    std::vector<NodeBase*> retired = std::move(journal.retired);
    std::vector<NodeBase*> released = std::move(journal.released);
    journal.clear();
    // Released first: a node relinked away from may be retired too.
    release(released);
    if (!retired.empty()) destroy(expand(retired));
  } else {
    detail::TickJournal::empty(journal.changed);
    detail::TickJournal::empty(journal.to_end);
  }
}

void Graph::Impl::run_effect(detail::EffectNode* effect, TickResult& result) {
  try {
    effect->run_effect();
  } catch (...) {
    ++stats.effect_errors;
    result.errors.push_back(
        node_error(effect, "effect failed after commit: " + describe(std::current_exception())));
  }
}

void Graph::Impl::run_effects(TickResult& result) {
  if (fired.empty()) return;
  const auto by_creation = [](const detail::EffectNode* a, const detail::EffectNode* b) {
    return a->id < b->id;
  };
  // Nodes of one height are computed last-queued first, so effects that are not in creation
  // order are usually in exactly the reverse: a reverse is enough then.
  if (fired_unordered) {
    if (std::is_sorted(fired.rbegin(), fired.rend(), by_creation)) {
      std::reverse(fired.begin(), fired.end());
    } else {
      std::sort(fired.begin(), fired.end(), by_creation);
    }
  }
  // An observer created in a tick in which its node also changed is listed twice, side by
  // side once in creation order.
  if (fired_created) fired.erase(std::unique(fired.begin(), fired.end()), fired.end());
  Restore<bool> guard(in_effects, true);
  // An observer removed in this step is skipped, and the graph's own are not counted; when
  // neither can be listed, the loop reads no flags (a fan-out's leaf: 12 -> 7 instructions
  // here).
  std::size_t ran = fired.size();
  if (journal.retired.empty() && internal_effects == 0) {
    for (detail::EffectNode* effect : fired) run_effect(effect, result);
  } else {
    for (detail::EffectNode* effect : fired) {
      const std::uint32_t flags = effect->flags;
      if ((flags & (detail::kLeaving | detail::kInternal)) != 0) --ran;
      if ((flags & detail::kLeaving) == 0) run_effect(effect, result);
    }
  }
  result.effects += ran;
  stats.effects += ran;
  drop_fired();
}

void Graph::Impl::rollback() {
  heights.clear();
  ready.clear();
  walk = {};
  spans.clear();
  for (auto it = journal.changed.rbegin(); it != journal.changed.rend(); ++it) {
    it->node->rollback();
    it->node->changed_tick = it->previous_tick;
  }
  // Before the undo actions: a relink undone takes a node's need away, and a node that had
  // nothing depending on it before the step must be kept again by then.
  for (NodeBase* node : journal.unkept) node->flags |= detail::kKept;
  for (auto it = journal.undo.rbegin(); it != journal.undo.rend(); ++it) (*it)();
  drop_fired();
  std::vector<NodeBase*> created = std::move(journal.created);
  journal.clear();
  destroy(std::move(created));
}

std::vector<NodeBase*> Graph::Impl::expand(const std::vector<NodeBase*>& roots) const {
  std::vector<NodeBase*> all;
  std::unordered_set<const NodeBase*> seen;
  std::vector<NodeBase*> pending(roots.begin(), roots.end());
  while (!pending.empty()) {
    NodeBase* node = pending.back();
    pending.pop_back();
    if (!seen.insert(node).second) continue;
    all.push_back(node);
    node->collect_owned(pending);
  }
  return all;
}

void Graph::Impl::destroy(std::vector<NodeBase*> doomed) {
  if (doomed.empty()) return;
  // Unlink everything first: a doomed node may depend on another doomed node.
  for (NodeBase* node : doomed) node->flags |= detail::kLeaving;
  std::vector<NodeBase*> released;
  for (NodeBase* node : doomed) {
    const bool needed = (node->flags & detail::kIdle) == 0;
    node->visit_dependencies([&](NodeBase* dependency, bool) {
      dependency->dependents.remove(node);
      if (needed && (dependency->flags & detail::kLeaving) == 0) released.push_back(dependency);
    });
    if ((node->flags & detail::kSource) != 0) {
      // Its writes go now, applied or not: their values' code may belong to a plugin library
      // that is closed once its nodes are gone.
      for (detail::InputEntry& entry : inbox) {
        if (entry.target != node) continue;
        entry.target = nullptr;
        entry.value.reset();
      }
    }
    names.erase(node);
  }
  for (NodeBase* node : doomed) free_node(node);
  release(released);
}

void Graph::Impl::leave(std::vector<NodeBase*> roots, const std::string& what) {
  std::vector<NodeBase*> doomed = expand(roots);
  std::unordered_set<const NodeBase*> set(doomed.begin(), doomed.end());
  for (NodeBase* node : doomed) {
    node->dependents.for_each([&](NodeBase* dependent, bool) {
      if (set.count(dependent) != 0 || (dependent->flags & detail::kPort) != 0) return;
      throw GraphError("cannot remove " + what + ": node '" + name_of(dependent) + "' of '" +
                       owners[dependent->owner] + "' depends on its node '" + name_of(node) + "'");
    });
  }
  for (NodeBase* node : doomed) {
    // Subscribers keep the port's last value until a new publisher binds it. The ports are
    // listed first: unbinding one edits the list being walked.
    std::vector<NodeBase*> ports;
    node->dependents.for_each([&](NodeBase* dependent, bool) {
      if ((dependent->flags & detail::kPort) != 0 && dependent->as_port()->publisher() == node) {
        ports.push_back(dependent);
      }
    });
    for (NodeBase* port : ports) {
      detail::PortLink* link = port->as_port();
      self.relink(port, node, nullptr, [link](NodeBase* n) { link->set_publisher(n); });
    }
  }
  for (NodeBase* node : doomed) node->flags |= detail::kLeaving;
  journal.undo.push_back([doomed] {
    for (NodeBase* node : doomed) node->flags &= ~detail::kLeaving;
  });
  journal.retired.insert(journal.retired.end(), doomed.begin(), doomed.end());
}

void Graph::Impl::raise(NodeBase* node, std::uint32_t height) {
  std::vector<std::pair<NodeBase*, std::uint32_t>> pending{{node, height}};
  while (!pending.empty()) {
    auto [n, h] = pending.back();
    pending.pop_back();
    if (n->height >= h) continue;
    n->height = h;
    if ((n->flags & detail::kQueued) != 0) heights.push(n);
    n->dependents.for_each([&](NodeBase* d, bool) { pending.emplace_back(d, h + 1); });
    if ((n->flags & detail::kBindLhs) != 0) {
      // A bind's scope stays above it, as if it depended on it.
      std::vector<NodeBase*> scope;
      n->collect_owned(scope);
      for (NodeBase* s : scope) pending.emplace_back(s, h + 1);
    }
  }
}

bool Graph::Impl::reaches(NodeBase* from, const NodeBase* to) const {
  std::unordered_set<const NodeBase*> seen;
  std::vector<NodeBase*> pending{from};
  while (!pending.empty()) {
    NodeBase* n = pending.back();
    pending.pop_back();
    if (n == to) return true;
    if (!seen.insert(n).second) continue;
    n->dependents.for_each([&](NodeBase* d, bool) { pending.push_back(d); });
  }
  return false;
}

// --- Graph: running ---

TickResult Graph::tick() {
  Impl& g = *impl_;
  TickResult result;
  if (g.step_depth > 0 || g.in_effects) {
    throw GraphError("tick() called from inside a tick or an effect");
  }
  if (g.inbox_next == g.inbox.size()) {
    g.inbox.clear();
    g.inbox_next = 0;
    g.queue->take_all(g.inbox);
  }
  // Writes to sources removed since they were queued are dropped, not run as empty ticks.
  while (g.inbox_next < g.inbox.size() && g.inbox[g.inbox_next].target == nullptr) ++g.inbox_next;
  if (g.inbox_next == g.inbox.size()) return result;

  const std::size_t first = g.inbox_next;
  std::size_t taken = 0;
  std::exception_ptr error;
  const auto all = [&] { taken = g.apply_inputs(g.inbox.size()); };
  if (!g.run_step(result, error, all) && taken > 1) {
    // Retry the batch one input per tick: only the inputs that fail are rejected.
    result.errors.clear();
    result.rolled_back = 0;
    g.inbox_next = first;
    for (std::size_t i = 0; i < taken;) {
      std::size_t one = 0;
      g.run_step(result, error, [&] { one = g.apply_inputs(1); });
      i += one == 0 ? 1 : one;
    }
  }
  result.inputs = taken;
  g.stats.inputs += taken;
  // The applied writes go while the code that made their values is surely loaded: a plugin
  // library closed after this tick must leave none of its values behind.
  if (g.inbox_next == g.inbox.size()) {
    g.inbox.clear();
    g.inbox_next = 0;
  }
  return result;
}

TickResult Graph::run_until_idle(std::size_t max_ticks) {
  TickResult total;
  for (std::size_t i = 0; i < max_ticks; ++i) {
    TickResult r = tick();
    if (!r.ran()) break;
    total += std::move(r);
  }
  return total;
}

bool Graph::idle() const {
  return impl_->inbox_next == impl_->inbox.size() && impl_->queue->empty();
}

void Graph::set_wakeup(std::function<void()> wakeup) {
  impl_->queue->set_wakeup(std::move(wakeup));
}

std::uint64_t Graph::current_tick() const noexcept {
  return impl_->tick_no;
}

void Graph::refresh(NodeBase* node) {
  impl_->refresh(node);
}

void detail::refresh_node(NodeBase* node) {
  internals(node->graph()).refresh(node);
}

std::shared_ptr<detail::InputEndpoint> Graph::new_endpoint(detail::InputCombiner combine) {
  return std::make_shared<detail::InputEndpoint>(impl_->queue, std::move(combine));
}

void Graph::batch(const std::function<void()>& writes) {
  impl_->queue->batch(writes);
}

// --- Graph: structure ---

OwnerId Graph::add_owner(std::string name) {
  Impl& g = *impl_;
  if (!g.free_owners.empty()) {
    const OwnerId owner = g.free_owners.back();
    g.free_owners.pop_back();
    g.owners[owner] = std::move(name);
    return owner;
  }
  g.owners.push_back(std::move(name));
  return static_cast<OwnerId>(g.owners.size() - 1);
}

void Graph::release_owner(OwnerId owner) {
  Impl& g = *impl_;
  if (owner == kGraphOwner || owner >= g.owners.size()) {
    throw GraphError("owner " + std::to_string(owner) + " cannot be released");
  }
  if (g.step_depth > 0 || g.in_effects) {
    throw GraphError("an owner is released between steps, not inside one or in an effect");
  }
  const NodeBase* owned = nullptr;
  g.for_each_node([&](const NodeBase* node) {
    if (owned == nullptr && node->owner == owner) owned = node;
  });
  if (owned != nullptr) {
    throw GraphError("'" + g.owners[owner] + "' still owns node '" + g.name_of(owned) + "'");
  }
  g.anchors.erase(owner);
  std::string().swap(g.owners[owner]);
  g.free_owners.push_back(owner);
}

const std::string& Graph::owner_name(OwnerId owner) const {
  return impl_->owners.at(owner);
}

OwnerId Graph::current_owner() const noexcept {
  return impl_->owner;
}

TickResult Graph::change(OwnerId owner, const std::function<void()>& build) {
  Impl& g = *impl_;
  if (g.in_effects) throw GraphError("an effect cannot change the graph's structure");
  if (owner >= g.owners.size()) throw GraphError("unknown owner " + std::to_string(owner));
  Restore<OwnerId> as(g.owner, owner);
  if (g.step_depth > 0) {
    build();
    return {};
  }
  TickResult result;
  std::exception_ptr error;
  if (!g.run_step(result, error, build)) {
    // A node that failed while the new structure propagated is reported as a NodeError; a
    // failure of build itself is rethrown as it was.
    if (error) std::rethrow_exception(error);
    throw result.errors.front();
  }
  return result;
}

void Graph::adopt(NodeBase* node) {
  Impl& g = *impl_;
  g.arena.born(node);
  if (g.step_depth == 0) {
    bool adopted = false;
    try {
      change(g.owner, [&] {
        adopted = true;
        adopt(node);
      });
    } catch (...) {
      if (!adopted) g.free_node(node);  // once adopted, the rollback destroyed it
      throw;
    }
    return;
  }
  node->owner = g.owner;
  node->id = ++g.next_id;
  ++g.node_count;
  if ((node->flags & detail::kInternal) != 0) ++g.internal_effects;
  g.journal.created.push_back(node);
  // A node a bind's function creates sits above the bind's lhs, so in a tick where the
  // selector changes the lhs drops the old scope before any of it computes. A port belongs
  // to the graph, not to the bind that first subscribed to it.
  const bool scoped = !g.scopes.empty() && (node->flags & detail::kPort) == 0;
  if (scoped) node->flags |= detail::kScoped;
  std::uint32_t height = 0;
  bool quiet = false;
  boost::container::small_vector<NodeBase*, 4> dependencies;
  node->visit_dependencies([&](NodeBase* dependency, bool wakes) {
    height = std::max(height, dependency->height + 1);
    quiet = quiet || !wakes;
    dependencies.push_back(dependency);
  });
  // One waking input and no structure of its own to change: it may compute as soon as that
  // input changed, ahead of the height queue.
  constexpr std::uint32_t kNotSimple = detail::kEffect | detail::kPort | detail::kSource |
                                       detail::kBindLhs | detail::kScoped | detail::kTellsInput;
  if (dependencies.size() == 1 && !quiet && (node->flags & kNotSimple) == 0) {
    node->flags |= detail::kSimple;
  }
  const std::uintptr_t kind = (node->flags & detail::kEffect) != 0 ? detail::DependentList::kEffect
                              : (node->flags & detail::kSimple) != 0
                                  ? detail::DependentList::kSimple
                                  : 0;
  const bool tells = (node->flags & detail::kTellsInput) != 0;
  std::uint32_t input = 0;
  g.flush_spans();
  node->visit_dependencies([&](NodeBase* dependency, bool wakes) {
    ++input;
    dependency->dependents.add(node, wakes, true, kind, tells ? input : 0);
    g.lose_kept(dependency);
  });
  // A new node is needed (nothing depends on it yet), and so is what it reads. Its
  // dependencies were brought up to date before it computed its first value (detail::ready
  // in the combinators); a dependency that woke only now is brought up to date here.
  for (NodeBase* dependency : dependencies) g.need(dependency);
  if (scoped) {
    height = std::max(height, g.scopes.back().lhs->height + 1);
    g.scopes.back().created->push_back(node);
  }
  node->height = height;
  if ((node->flags & detail::kEffect) != 0) {
    g.fire(static_cast<detail::EffectNode*>(node));
    g.fired_created = true;
  } else if (node->occurring_now()) {
    g.journal.changed.push_back({node, 0});
    node->changed_tick = g.tick_no + 1;
    g.journal.to_end.push_back(node);
  }
  g.settle_woken();
}

void Graph::remove_owner(OwnerId owner) {
  Impl& g = *impl_;
  if (owner == kGraphOwner) throw GraphError("the graph's own nodes cannot be removed");
  if (g.step_depth == 0) {
    change(owner, [&] { remove_owner(owner); });
    return;
  }
  std::vector<NodeBase*> doomed;
  g.for_each_node([&](NodeBase* node) {
    if (node->owner == owner && (node->flags & detail::kLeaving) == 0) doomed.push_back(node);
  });
  g.leave(std::move(doomed), "'" + g.owners.at(owner) + "'");
  // Its code is no longer needed by the graph, except through ports, which hold it themselves.
  if (auto it = g.anchors.find(owner); it != g.anchors.end()) {
    g.journal.undo.push_back(
        [&g, owner, anchor = std::move(it->second)] { g.anchors[owner] = anchor; });
    g.anchors.erase(it);
  }
}

void Graph::in_scope(NodeBase* lhs, const std::function<void()>& fn,
                     std::vector<NodeBase*>& created) {
  Impl& g = *impl_;
  g.scopes.push_back(Impl::Scope{lhs, &created});
  Restore<OwnerId> as(g.owner, lhs->owner);
  try {
    fn();
  } catch (...) {
    g.scopes.pop_back();
    throw;
  }
  g.scopes.pop_back();
}

void Graph::relink(NodeBase* dependent, NodeBase* previous, NodeBase* next,
                   const std::function<void(NodeBase*)>& set_dependency) {
  Impl& g = *impl_;
  if (next != nullptr && next->height >= dependent->height && g.reaches(dependent, next)) {
    throw CycleError("dependency cycle: '" + g.name_of(next) + "' depends on '" +
                     g.name_of(dependent) + "', which would depend on it");
  }
  const bool needed = (dependent->flags & detail::kIdle) == 0;
  g.flush_spans();
  if (previous != nullptr) {
    previous->dependents.remove(dependent);
    // previous stays needed until the step commits: a rollback gives the edge back.
    if (needed) g.journal.released.push_back(previous);
  }
  set_dependency(next);
  if (next != nullptr) next->dependents.add(dependent, true, needed);
  g.journal.undo.push_back([&g, dependent, previous, next, set_dependency, needed] {
    if (next != nullptr) {
      next->dependents.remove(dependent);
      if (needed) g.release({next});
    }
    set_dependency(previous);
    if (previous != nullptr) previous->dependents.add(dependent, true, needed);
  });
  if (next != nullptr) {
    g.lose_kept(next);
    if (needed) g.need(next);
    if (next->height >= dependent->height) g.raise(dependent, next->height + 1);
    g.settle_woken();
  }
}

void Graph::retire(std::vector<NodeBase*> nodes) {
  if (nodes.empty()) return;
  impl_->leave(std::move(nodes), "the nodes of an earlier bind selection");
}

void Graph::journal_state(NodeBase* node) {
  impl_->journal.changed.push_back({node, node->changed_tick});
  if ((node->flags & detail::kEndTick) != 0) impl_->journal.to_end.push_back(node);
}

bool Graph::changed_now(const NodeBase* node) const noexcept {
  return impl_->step_depth > 0 && node->changed_tick == impl_->tick_no + 1;
}

void Graph::schedule(NodeBase* node) {
  if ((node->flags & detail::kQueued) == 0) {
    node->flags |= detail::kQueued;
    impl_->heights.push(node);
  }
}

}  // namespace mirari
