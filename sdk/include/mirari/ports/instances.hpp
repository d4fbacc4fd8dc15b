// The instances that exist, and what policies ask of the instance manager.
//
//   instances.actual         signal  Table<std::string, InstanceStatus> (type
//                            "table<string,instances.status>"): every instance the manager
//                            started or adopted and has not yet forgotten, by instance name (the
//                            name it reports its load under). JSON form:
//                            {"web-1": {"group": "web", "state": "running", "since": 81234567,
//                                       "extra": null, "spec_hash": "9f86d081884c7d65",
//                                       "backend_id": 4242, "status": null, "reason": "",
//                                       "failures": 0, "retry_at": 0, "port": "mi-web-1"}}
//                            Written by hand (mirarictl set), only group, state and since are
//                            needed; the rest takes its defaults.
//   instances.events         event   std::vector<InstanceEvent> (type "list<instances.event>"):
//                            the changes of instances.actual one report of the manager made,
//                            in the order they happened. JSON form: [{"kind": "added" |
//                            "changed" | "removed", "name": "web-3", "old": InstanceStatus |
//                            null, "new": InstanceStatus | null}]
//   instances.desired.extra  signal  Table<std::string, InstanceSpec> (type
//                            "table<string,instances.spec>"), published by a policy: instances
//                            wanted besides a group's counted ones (a storage move, a
//                            replacement), one per key, each with its own spec; the manager of
//                            spec.group runs it. JSON form: {"probe": {"group": "web",
//                            "command": "/usr/bin/probe", "args": ["-v"], "env": ["A=1"]}}
//                            (args and env may be left out when empty)
//   instances.config         signal  Table<std::string, std::map<std::string, std::string>>
//                            (type "table<string,map<string,string>>"), published by a policy:
//                            key/value configuration per instance name, which the manager
//                            delivers to the running instance. JSON form:
//                            {"web-3": {"log_level": "debug"}}
//
// Policies read instances.actual to know which instances belong to a group and which of them
// are ready: only running instances serve; starting ones are not ready yet; stopping, exited
// and failed ones no longer count, and their load is not the group's.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "mirari/json_read.hpp"
#include "mirari/table.hpp"
#include "mirari/type_layout.hpp"

namespace mirari::ports {

enum class InstanceState {
  starting,  // created, not yet ready to serve
  running,   // ready: serves, and its load counts
  stopping,  // asked to stop, still exists
  exited,    // ended, by itself or on request
  failed,    // could not be created, or ended while starting; tried again after a back-off
};

struct InstanceStatus {
  std::string group;  // the scaling group it belongs to
  InstanceState state = InstanceState::starting;
  std::int64_t since = 0;  // when it entered state, on clock.ms's clock
  // The key of instances.desired.extra it runs for; none for a counted member of the group.
  std::optional<std::string> extra;
  std::string spec_hash;  // spec_hash() of the spec it runs
  // The process backend's pid, the xen backend's domain id; 0 while none runs.
  std::int64_t backend_id = 0;
  // exited: the exit status, 128 + N when signal N ended it (xen backend: the domain's
  // shutdown code, 0 for poweroff); none when no one could learn it (it ended while no
  // manager that started it watched, or its domain went without shutting down).
  std::optional<int> status;
  std::string reason;          // failed: why, as one sentence
  std::uint32_t failures = 0;  // failed creates in a row; 0 once it runs
  std::int64_t retry_at = 0;   // failed: when the next try may start, on clock.ms's clock
  // The host's end of its network attachment (the process backend's veth on a bridge, the
  // xen backend's vif), which the openflow plugin balances over; empty when it has none.
  std::string port;

  InstanceStatus() = default;
  InstanceStatus(std::string group_name, InstanceState instance_state, std::int64_t since_ms)
      : group(std::move(group_name)), state(instance_state), since(since_ms) {}
  friend bool operator==(const InstanceStatus&, const InstanceStatus&) = default;
};

using InstancesActual = Table<std::string, InstanceStatus>;

struct InstanceEvent {
  enum class Kind { added, changed, removed };
  Kind kind = Kind::changed;
  std::string name;
  std::optional<InstanceStatus> old_status;  // absent for added
  std::optional<InstanceStatus> new_status;  // absent for removed
  friend bool operator==(const InstanceEvent&, const InstanceEvent&) = default;
};

// What to run. The process backend runs command (an absolute path) with args, in the host's
// environment plus env ("NAME=value" entries, which win). The xen backend boots command as a
// domain's kernel image, with args as its command line (and refuses env).
struct InstanceSpec {
  std::string group;
  std::string command;
  std::vector<std::string> args;
  std::vector<std::string> env;
  friend bool operator==(const InstanceSpec&, const InstanceSpec&) = default;
};

using InstanceSpecs = Table<std::string, InstanceSpec>;

using InstanceConfig = std::map<std::string, std::string>;
using InstanceConfigs = Table<std::string, InstanceConfig>;

inline constexpr const char* kInstancesActual = "instances.actual";
inline constexpr const char* kInstancesEvents = "instances.events";
inline constexpr const char* kInstancesDesiredExtra = "instances.desired.extra";
inline constexpr const char* kInstancesConfig = "instances.config";

inline std::string_view to_string(InstanceState state) noexcept {
  switch (state) {
    case InstanceState::starting:
      return "starting";
    case InstanceState::running:
      return "running";
    case InstanceState::stopping:
      return "stopping";
    case InstanceState::exited:
      return "exited";
    case InstanceState::failed:
      return "failed";
  }
  return "unknown";
}

// The state a name gives; throws std::invalid_argument quoting the name otherwise (a JSON
// form that maps unknown text to some state would pass a typo for a real state).
inline InstanceState instance_state(std::string_view name) {
  for (const InstanceState s :
       {InstanceState::starting, InstanceState::running, InstanceState::stopping,
        InstanceState::exited, InstanceState::failed}) {
    if (to_string(s) == name) return s;
  }
  throw std::invalid_argument("'" + std::string(name) +
                              "' is not an instance state (starting, running, stopping, "
                              "exited or failed)");
}

// What identifies a spec's content: 16 hex digits of the 64-bit FNV-1a hash of command, args
// and env (not group: moving to another group does not change what runs). The same in every
// build, so it can be stored and compared across restarts. Any thread.
inline std::string spec_hash(const InstanceSpec& spec) {
  const std::string text =
      nlohmann::json{{"command", spec.command}, {"args", spec.args}, {"env", spec.env}}.dump();
  std::uint64_t hash = 0xcbf29ce484222325ULL;
  for (const char c : text) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 0x100000001b3ULL;
  }
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out(16, '0');
  for (int i = 15; i >= 0; --i, hash >>= 4) out[static_cast<std::size_t>(i)] = kDigits[hash & 0xf];
  return out;
}

// --- JSON forms ---

namespace detail {
template <class T>
nlohmann::json optional_json(const std::optional<T>& value) {
  return value ? nlohmann::json(*value) : nlohmann::json(nullptr);
}
// The member key of j, none when it is null; missing is refused (an event names both sides).
template <class T>
std::optional<T> optional_member(const nlohmann::json& j, const char* key) {
  const nlohmann::json& value = j.at(key);
  if (value.is_null()) return std::nullopt;
  return read_json<T>(value);
}
// The member key of j, or fallback when it is missing.
template <class T>
T member_or(const nlohmann::json& j, const char* key, T fallback) {
  const auto it = j.find(key);
  return it == j.end() ? std::move(fallback) : read_json<T>(*it);
}
// The member key of j, none when it is null or missing.
template <class T>
std::optional<T> optional_value(const nlohmann::json& j, const char* key) {
  if (!j.contains(key)) return std::nullopt;
  return optional_member<T>(j, key);
}
}  // namespace detail

inline void to_json(nlohmann::json& j, InstanceState state) {
  j = std::string(to_string(state));
}
inline void from_json(const nlohmann::json& j, InstanceState& state) {
  state = instance_state(j.get<std::string>());
}

inline void to_json(nlohmann::json& j, const InstanceStatus& s) {
  j = {{"group", s.group},
       {"state", s.state},
       {"since", s.since},
       {"extra", detail::optional_json(s.extra)},
       {"spec_hash", s.spec_hash},
       {"backend_id", s.backend_id},
       {"status", detail::optional_json(s.status)},
       {"reason", s.reason},
       {"failures", s.failures},
       {"retry_at", s.retry_at},
       {"port", s.port}};
}
// group, state and since are required; the manager's own fields may be left out.
inline void from_json(const nlohmann::json& j, InstanceStatus& s) {
  mirari::read_json(j.at("group"), s.group);
  mirari::read_json(j.at("state"), s.state);
  mirari::read_json(j.at("since"), s.since);
  s.extra = detail::optional_value<std::string>(j, "extra");
  s.spec_hash = detail::member_or(j, "spec_hash", std::string());
  s.backend_id = detail::member_or(j, "backend_id", std::int64_t{0});
  s.status = detail::optional_value<int>(j, "status");
  s.reason = detail::member_or(j, "reason", std::string());
  s.failures = detail::member_or(j, "failures", std::uint32_t{0});
  s.retry_at = detail::member_or(j, "retry_at", std::int64_t{0});
  s.port = detail::member_or(j, "port", std::string());
}

NLOHMANN_JSON_SERIALIZE_ENUM(InstanceEvent::Kind, {{InstanceEvent::Kind::added, "added"},
                                                   {InstanceEvent::Kind::changed, "changed"},
                                                   {InstanceEvent::Kind::removed, "removed"}})

inline void to_json(nlohmann::json& j, const InstanceEvent& e) {
  j = {{"kind", e.kind},
       {"name", e.name},
       {"old", detail::optional_json(e.old_status)},
       {"new", detail::optional_json(e.new_status)}};
}
inline void from_json(const nlohmann::json& j, InstanceEvent& e) {
  mirari::read_json(j.at("kind"), e.kind);
  mirari::read_json(j.at("name"), e.name);
  e.old_status = detail::optional_member<InstanceStatus>(j, "old");
  e.new_status = detail::optional_member<InstanceStatus>(j, "new");
}

inline void to_json(nlohmann::json& j, const InstanceSpec& s) {
  j = {{"group", s.group}, {"command", s.command}, {"args", s.args}, {"env", s.env}};
}
inline void from_json(const nlohmann::json& j, InstanceSpec& s) {
  mirari::read_json(j.at("group"), s.group);
  mirari::read_json(j.at("command"), s.command);
  s.args = detail::member_or(j, "args", std::vector<std::string>{});
  s.env = detail::member_or(j, "env", std::vector<std::string>{});
}

}  // namespace mirari::ports

MIRARI_ENUM(mirari::ports::InstanceState, "instances.state", starting, running, stopping, exited,
            failed)
MIRARI_TYPE(mirari::ports::InstanceStatus, "instances.status", group, state, since, extra,
            spec_hash, backend_id, status, reason, failures, retry_at, port)
MIRARI_ENUM(mirari::ports::InstanceEvent::Kind, "instances.event_kind", added, changed, removed)
MIRARI_TYPE(mirari::ports::InstanceEvent, "instances.event", kind, name, old_status, new_status)
MIRARI_TYPE(mirari::ports::InstanceSpec, "instances.spec", group, command, args, env)
