#include "xenstore_watcher.hpp"

#include <algorithm>
#include <atomic>
#include <mutex>
#include <set>
#include <utility>
#include <vector>

#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/steady_timer.hpp>

#include "xenstore.hpp"

namespace mirari::xen {

namespace {

constexpr const char* kToken = "mirari-xenstore-watcher";
constexpr std::chrono::milliseconds kFirstReconnectPause{50};

}  // namespace

struct XenStoreWatcher::State {
  State(boost::asio::any_io_executor io, XenStoreWatcherOptions opts)
      : options(std::move(opts)), reader(options.prefix), descriptor(io), timer(io) {}

  ~State() { release_descriptor(); }

  // Held by every handler and by stop(), so that stop() never runs beside a handler.
  // Recursive so that a report may stop its own watcher.
  std::recursive_mutex mutex;
  bool stopped = false;

  XenStoreWatcherOptions options;
  XenStore store;
  DomainReader reader;
  XenTables published;
  Outputs outputs;
  boost::asio::posix::stream_descriptor descriptor;
  boost::asio::steady_timer timer;
  // Counts connections, so that a handler of an earlier one does nothing.
  std::uint64_t connection = 0;
  // The firing XenStore sends when the watch is set has not been taken yet.
  bool registration_pending = false;
  std::atomic<bool> connected{false};  // also read by stats()
  std::chrono::milliseconds pause{0};

  std::atomic<std::uint64_t> watch_events{0};
  std::atomic<std::uint64_t> batches{0};
  std::atomic<std::uint64_t> reconnects{0};
  std::atomic<bool> following{false};

  // Returns what was read (see DomainReader::read_all). Throws XenStoreError, leaving no
  // connection.
  DomainReads connect() {
    DomainReads read;
    try {
      store = XenStore::open();
      // Watch first, then read: a change after the reading has an event waiting.
      store.watch(options.prefix, kToken);
      read = reader.read_all(store);
    } catch (...) {
      store.close();
      throw;
    }
    ++connection;
    connected = true;
    registration_pending = true;
    return read;
  }

  void start(const std::shared_ptr<State>& self) {
    descriptor.assign(store.watch_fd());
    wait_for_events(self);
    keepalive(self);
  }

  void wait_for_events(const std::shared_ptr<State>& self) {
    descriptor.async_wait(boost::asio::posix::descriptor_base::wait_read,
                          [self, id = connection](const boost::system::error_code& error) {
                            std::lock_guard lock(self->mutex);
                            if (self->stopped || error || id != self->connection) return;
                            self->take_events(self);
                          });
  }

  void take_events(const std::shared_ptr<State>& self) {
    try {
      std::vector<std::string> changed;
      while (std::optional<std::string> path = store.next_watch()) {
        ++watch_events;
        // The watch's first firing names the prefix itself and reports no change: what it
        // stands for was read right after the watch was set.
        if (std::exchange(registration_pending, false) && *path == options.prefix) continue;
        changed.push_back(std::move(*path));
      }
      if (!changed.empty()) {
        const DomainReads read = reader.refresh(store, changed);
        ++batches;
        publish(read);
      }
    } catch (const XenStoreError& e) {
      lost(self, e.what());
      return;
    }
    wait_for_events(self);
  }

  void keepalive(const std::shared_ptr<State>& self) {
    timer.expires_after(options.keepalive);
    timer.async_wait([self, id = connection](const boost::system::error_code& error) {
      std::lock_guard lock(self->mutex);
      if (self->stopped || error || id != self->connection || !self->connected) return;
      try {
        self->store.read(XenStore::kNoTransaction, self->options.prefix);
      } catch (const XenStoreError& e) {
        self->lost(self, e.what());
        return;
      }
      self->keepalive(self);
    });
  }

  void lost(const std::shared_ptr<State>& self, const std::string& what) {
    connected = false;
    release_descriptor();
    store.close();
    say(std::string("lost the connection to XenStore (") + what + "); reconnecting");
    pause = std::chrono::milliseconds(0);
    reconnect_later(self);
  }

  void reconnect_later(const std::shared_ptr<State>& self) {
    timer.expires_after(pause);
    timer.async_wait([self, id = connection](const boost::system::error_code& error) {
      std::lock_guard lock(self->mutex);
      if (self->stopped || error || id != self->connection || self->connected) return;
      self->reconnect(self);
    });
  }

  void reconnect(const std::shared_ptr<State>& self) {
    DomainReads read;
    try {
      read = connect();
    } catch (const XenStoreError& e) {
      if (pause == std::chrono::milliseconds(0))
        say(std::string("cannot reconnect yet: ") + e.what());
      pause = std::min(std::max(pause * 2, kFirstReconnectPause), options.max_reconnect_pause);
      reconnect_later(self);
      return;
    }
    ++reconnects;
    publish(read);
    say("reconnected to XenStore at '" + XenStore::socket_path() +
        "'; the whole state was read again");
    start(self);
  }

  // Makes again the records of what was read again, and writes what changed.
  void publish(const DomainReads& read) {
    XenChanges changes;
    update_tables(published, reader.trees(), read, changes);
    write_changes(published, changes);
  }

  void write_changes(const XenTables& now, XenChanges& changes) {
    if (changes.empty()) return;
    outputs.graph->batch([&] {
      outputs.domains.publish(now.domains, changes.domains);
      outputs.vifs.publish(now.vifs, changes.vifs);
      outputs.vbds.publish(now.vbds, changes.vbds);
      outputs.data.publish(now.data, changes.data);
    });
  }

  void release_descriptor() {
    if (!descriptor.is_open()) return;
    boost::system::error_code ignored;
    descriptor.cancel(ignored);
    // The descriptor is libxenstore's: release it rather than close it.
    descriptor.release();
  }

  void say(const std::string& what) {
    if (options.report) options.report(what);
  }
};

XenStoreWatcher::Outputs XenStoreWatcher::Outputs::make(Graph& graph, const XenTables& tables) {
  return {&graph, decltype(domains)::make(graph, tables.domains),
          decltype(vifs)::make(graph, tables.vifs), decltype(vbds)::make(graph, tables.vbds),
          decltype(data)::make(graph, tables.data)};
}

XenStoreWatcher::XenStoreWatcher(boost::asio::any_io_executor io, XenStoreWatcherOptions options)
    : state_(std::make_shared<State>(std::move(io), std::move(options))) {
  state_->connect();
  state_->published = make_tables(state_->reader.trees());
}

XenStoreWatcher::~XenStoreWatcher() {
  stop();
}

const XenTables& XenStoreWatcher::tables() const {
  return state_->published;
}

void XenStoreWatcher::follow(Outputs outputs, const XenTables* previous) {
  std::lock_guard lock(state_->mutex);
  if (state_->stopped) return;
  state_->outputs = std::move(outputs);
  if (previous != nullptr) {
    XenChanges changes;
    diff(*previous, state_->published, changes);
    state_->write_changes(state_->published, changes);
  }
  state_->following = true;
  state_->start(state_);
}

void XenStoreWatcher::stop() {
  std::lock_guard lock(state_->mutex);
  if (state_->stopped) return;
  state_->stopped = true;
  state_->following = false;
  state_->connected = false;
  state_->timer.cancel();
  state_->release_descriptor();
  state_->store.close();
}

XenStoreWatcherStats XenStoreWatcher::stats() const {
  return {state_->watch_events.load(), state_->batches.load(), state_->reconnects.load(),
          state_->connected.load(), state_->following.load()};
}

}  // namespace mirari::xen
