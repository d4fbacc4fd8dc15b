// Invariant: revision_ is the last etcd revision whose events are all in the graph (queued in
// one batch), and held_ is the set of (host, port) that the graph holds a value for.
#include "importer.hpp"

#include <algorithm>
#include <functional>
#include <optional>
#include <utility>

#include "key_layout.hpp"

namespace mirari::cluster {

namespace {
constexpr std::chrono::milliseconds kRetry{200};

// "as T (fingerprint F), this host reads it as U (fingerprint G)" when a record's type is not
// this host's, else nothing.
std::optional<std::string> layout_mismatch(const PortType& theirs, const PortType& ours) {
  if (theirs.name == ours.name && theirs.fingerprint == ours.fingerprint) return std::nullopt;
  return "as " + theirs.name + " (fingerprint " + fingerprint_text(theirs.fingerprint) +
         "), this host reads it as " + ours.name + " (fingerprint " +
         fingerprint_text(ours.fingerprint) + ")";
}
}  // namespace

Importer::Importer(std::vector<std::string> endpoints, std::chrono::milliseconds timeout,
                   EtcdAccess access, std::string cluster, std::string self,
                   std::map<std::string, Port> ports, std::map<std::string, Port> led,
                   std::map<std::string, RoleSources> roles, OnLeader on_leader, Graph& graph,
                   spdlog::logger& log)
    : client_(std::move(endpoints), timeout, std::move(access), &log),
      cluster_(std::move(cluster)),
      hosts_prefix_(hosts_prefix(cluster_)),
      self_(std::move(self)),
      led_prefix_(led_prefix(cluster_)),
      ports_(std::move(ports)),
      led_(std::move(led)),
      on_leader_(std::move(on_leader)),
      graph_(graph),
      log_(log) {
  for (auto& [role, sources] : roles) roles_.emplace(role, Role{sources, {}, {}, {}});
}

Importer::~Importer() {
  stop();
}

void Importer::start() {
  thread_ = std::thread([this] { run(); });
}

void Importer::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  client_.stop();
  if (thread_.joinable()) thread_.join();
}

bool Importer::pause(std::chrono::milliseconds how_long) {
  std::unique_lock lock(mutex_);
  return !wake_.wait_for(lock, how_long, [this] { return stopping_; });
}

void Importer::read_all() {
  const RangeAnswer all =
      parse_range(client_.call("/v3/kv/range", range_request(cluster_prefix(cluster_))));
  for (auto& [name, role] : roles_) role.candidates.clear();
  roles_stale_ = true;
  // The range as events at its revision: a PUT for each key, a DELETE for each port held that
  // is no longer there.
  std::vector<WatchEvent> events;
  std::set<std::pair<std::string, std::string>> present;
  std::set<std::string> led_present;
  for (const KeyValue& kv : all.kvs) {
    if (auto key = parse_port_key(kv.key, hosts_prefix_)) present.emplace(key->host, key->port);
    if (auto port = parse_led_key(kv.key, led_prefix_)) led_present.insert(*port);
    events.push_back({false, kv});
  }
  for (const auto& [port, sink] : led_) {
    if (led_present.count(port) == 0) {
      events.push_back({true, {led_prefix_ + port, {}, 0, all.revision, 0}});
    }
  }
  for (const auto& [host, port] : held_) {
    if (present.count({host, port}) == 0) {
      events.push_back({true, {hosts_prefix_ + host + "/ports/" + port, {}, 0, all.revision, 0}});
    }
  }
  revision_ = 0;
  apply(all.revision, events);
}

void Importer::apply(std::int64_t revision, const std::vector<WatchEvent>& events) {
  if (revision <= revision_) return;
  std::vector<std::function<void()>> writes;
  for (const WatchEvent& event : events) {
    if (auto role = parse_election_key(event.kv.key, cluster_)) {
      if (auto it = roles_.find(*role); it != roles_.end()) {
        roles_stale_ = true;
        if (event.deleted) {
          it->second.candidates.erase(event.kv.key);
        } else {
          it->second.candidates[event.kv.key] = {event.kv.create_revision, event.kv.value};
        }
      }
      continue;
    }
    if (auto led = parse_led_key(event.kv.key, led_prefix_)) {
      read_led(*led, revision, event, writes);
      continue;
    }
    const auto key = parse_port_key(event.kv.key, hosts_prefix_);
    if (!key || key->host == self_) continue;
    auto port = ports_.find(key->port);
    if (port == ports_.end()) continue;
    const std::pair held_key{key->host, key->port};
    if (event.deleted) {
      if (held_.erase(held_key) != 0) writes.push_back(port->second.sink->prepare_erase(key->host));
      continue;
    }
    try {
      const Record record = decode_record(event.kv.value);
      if (auto mismatch = layout_mismatch(record.type, port->second.type)) {
        log_.error("host '{}' exports port '{}' {}: refused (key {} at revision {})", key->host,
                   key->port, *mismatch, event.kv.key, revision);
        if (held_.erase(held_key) != 0) {
          writes.push_back(port->second.sink->prepare_erase(key->host));
        }
        continue;
      }
      writes.push_back(port->second.sink->prepare_set(key->host, record.value));
      held_.insert(held_key);
    } catch (const std::exception& e) {
      log_.error("key {} at revision {}: not a value of port '{}' ({}): ignored", event.kv.key,
                 revision, key->port, e.what());
    }
  }
  std::vector<std::pair<std::string, ports::cluster::Leader>> new_leaders;
  // Leaders and members change only with a candidacy (or a whole new read).
  if (std::exchange(roles_stale_, false)) publish_roles(writes, new_leaders);
  if (!writes.empty()) {
    graph_.batch([&] {
      for (const auto& write : writes) write();
    });
  }
  revision_ = revision;
  for (const auto& [role, leader] : new_leaders) on_leader_(role, leader);
}

void Importer::publish_roles(
    std::vector<std::function<void()>>& writes,
    std::vector<std::pair<std::string, ports::cluster::Leader>>& new_leaders) {
  for (auto& [name, role] : roles_) {
    std::vector<std::pair<std::int64_t, std::string>> standing;
    for (const auto& [key, candidate] : role.candidates) standing.push_back(candidate);
    std::sort(standing.begin(), standing.end());
    ports::cluster::Leader leader;
    ports::cluster::Members members;
    for (const auto& [term, host] : standing) {
      if (leader.term == 0) leader = {host, term};
      // A host whose old lease has not expired yet stands twice: it counts once, at its first.
      if (std::find(members.begin(), members.end(), host) == members.end()) {
        members.push_back(host);
      }
    }
    if (members != role.members) {
      role.members = members;
      writes.push_back([source = role.sources.members, members] { source.set(members); });
    }
    if (leader == role.published) continue;
    log_.info("leader of role '{}': {} (term {})", name, leader.host.empty() ? "none" : leader.host,
              leader.term);
    role.published = leader;
    writes.push_back([source = role.sources.leader, leader] { source.set(leader); });
    new_leaders.emplace_back(name, leader);
  }
}

void Importer::read_led(const std::string& port, std::int64_t revision, const WatchEvent& event,
                        std::vector<std::function<void()>>& writes) {
  auto it = led_.find(port);
  if (it == led_.end()) return;
  if (event.deleted) {
    writes.push_back(it->second.sink->prepare_erase({}));
    return;
  }
  try {
    const Record record = decode_record(event.kv.value);
    if (auto mismatch = layout_mismatch(record.type, it->second.type)) {
      log_.error("led port '{}' was written {}: refused (key {} at revision {})", port, *mismatch,
                 event.kv.key, revision);
      return;
    }
    writes.push_back(it->second.sink->prepare_set({}, record.value));
  } catch (const std::exception& e) {
    log_.error("key {} at revision {}: not a value of port '{}' ({}): ignored", event.kv.key,
               revision, port, e.what());
  }
}

void Importer::run() {
  bool need_range = true;
  for (;;) {
    try {
      if (need_range) {
        read_all();
        need_range = false;
        log_.info("read the cluster's ports at revision {} from {}", revision_, client_.endpoint());
      }
      const std::string member = client_.endpoint();
      log_.info("watching from revision {} on {}", revision_ + 1, member);
      client_.stream("/v3/watch", watch_request(cluster_prefix(cluster_), revision_ + 1),
                     [&](std::string_view message) {
                       WatchAnswer answer = parse_watch(message);
                       if (answer.compact_revision != 0) {
                         log_.warn("etcd compacted revisions up to {}: reading every key again",
                                   answer.compact_revision);
                         need_range = true;
                         return false;
                       }
                       if (answer.canceled) {
                         throw EtcdError("etcd ended the watch: " + answer.cancel_reason);
                       }
                       // Apply each revision's events together, in order.
                       std::size_t first = 0;
                       const auto& events = answer.events;
                       while (first < events.size()) {
                         std::size_t end = first;
                         const std::int64_t rev = events[first].kv.mod_revision;
                         while (end < events.size() && events[end].kv.mod_revision == rev) ++end;
                         apply(rev, {events.begin() + static_cast<std::ptrdiff_t>(first),
                                     events.begin() + static_cast<std::ptrdiff_t>(end)});
                         first = end;
                       }
                       return true;
                     });
    } catch (const EtcdStopped&) {
      return;
    } catch (const EtcdUnavailable& e) {
      log_.warn("{}; watching again from revision {} on {}", e.what(), revision_ + 1,
                client_.endpoint());
      if (!pause(kRetry)) return;
    } catch (const EtcdError& e) {
      log_.error("{}", e.what());
      if (!pause(kRetry)) return;
    }
  }
}

}  // namespace mirari::cluster
