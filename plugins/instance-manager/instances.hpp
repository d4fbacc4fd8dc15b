// The instance manager's ports: what scaling policies ask for, and what runs.
//
// Self-contained (the SDK, the standard library and nlohmann-json only), so that policies
// include it to subscribe and publish with the real types.
//
// Ports (the instance manager of scaling group GROUP subscribes the first three and publishes
// the last two, under these names unless its configuration names others):
//   scale.GROUP.desired     signal  std::int64_t  (type "int64"), published by a policy: how
//                                   many instances of the group should run (clamped to the
//                                   group's [min, max])
//   instances.desired.extra signal  InstanceSpecs (type "table<string,instances.spec>"),
//                                   published by a policy: instances wanted besides the
//                                   counted ones, one per key, each with its own spec; the
//                                   manager of spec.group runs them
//   instances.config        signal  InstanceConfigs (type "table<string,map<string,string>>"),
//                                   published by a policy: key/value configuration per
//                                   instance name, delivered to the running instance
//   instances.actual        signal  InstanceTable (type "table<string,instances.instance>"):
//                                   every instance the manager knows, by name, as the backend
//                                   last reported it
//   instances.events        event   std::vector<InstanceEvent> (type "list<instances.event>"):
//                                   the changes of instances.actual in one tick
//
// JSON forms, for tools:
//   InstanceSpec  {"group": "web", "command": "/usr/bin/web", "args": ["--port", "8080"],
//                  "env": ["MODE=fast"]}   (args and env may be left out when empty)
//   Instance      {"group": "web", "extra": null | "KEY", "spec_hash": "9f86d081884c7d65",
//                  "backend_id": 4242, "state": "starting" | "running" | "stopping" |
//                  "exited" | "failed", "status": 0 | null, "reason": "", "since": MS,
//                  "failures": 0, "retry_at": 0}
//   InstanceEvent {"kind": "added" | "changed" | "removed", "name": "web-3",
//                  "old": Instance | null, "new": Instance | null}
//   InstanceSpecs, InstanceTable, InstanceConfigs: objects keyed by name
//                  ({"web-3": Instance, ...}; {"web-3": {"level": "debug"}, ...})
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <mirari/table.hpp>
#include <mirari/type_name.hpp>
#include <nlohmann/json.hpp>

namespace mirari::instances {

// What to run. The process backend runs command (an absolute path) with args, in an
// environment of the host's variables plus env ("NAME=value" entries, which win).
struct InstanceSpec {
  std::string group;
  std::string command;
  std::vector<std::string> args;
  std::vector<std::string> env;
  friend bool operator==(const InstanceSpec&, const InstanceSpec&) = default;
};

using InstanceSpecs = mirari::Table<std::string, InstanceSpec>;

enum class Phase {
  starting,  // created; counts as running once it has stayed up for the start grace period
  running,
  stopping,  // asked to stop (SIGTERM, SIGKILL after the stop timeout)
  exited,    // ended, on request or not; the manager forgets it in a later tick
  failed,    // could not be created, or ended while starting; retried after back-off
};

struct Instance {
  std::string group;
  // The key of instances.desired.extra this instance runs for; none for a counted member of
  // the group.
  std::optional<std::string> extra;
  std::string spec_hash;        // spec_hash() of the spec it runs
  std::int64_t backend_id = 0;  // process backend: the pid; 0 while none runs
  Phase state = Phase::starting;
  std::optional<int> status;   // exited: the exit status, 128 + N when killed by signal N;
                               // none when unknown (it ended while no manager watched it)
  std::string reason;          // failed: why
  std::int64_t since = 0;      // when it entered its state: milliseconds since the Unix epoch
  std::uint32_t failures = 0;  // failed creates in a row; 0 once it runs
  std::int64_t retry_at = 0;   // failed: when back-off allows the next try (ms since epoch)
  friend bool operator==(const Instance&, const Instance&) = default;
};

using InstanceTable = mirari::Table<std::string, Instance>;

struct InstanceEvent {
  enum class Kind { added, changed, removed };
  Kind kind = Kind::changed;
  std::string name;
  std::optional<Instance> old_instance;  // absent for added
  std::optional<Instance> new_instance;  // absent for removed
  friend bool operator==(const InstanceEvent&, const InstanceEvent&) = default;
};

using InstanceConfig = std::map<std::string, std::string>;
using InstanceConfigs = mirari::Table<std::string, InstanceConfig>;

NLOHMANN_JSON_SERIALIZE_ENUM(Phase, {{Phase::starting, "starting"},
                                     {Phase::running, "running"},
                                     {Phase::stopping, "stopping"},
                                     {Phase::exited, "exited"},
                                     {Phase::failed, "failed"}})
NLOHMANN_JSON_SERIALIZE_ENUM(InstanceEvent::Kind, {{InstanceEvent::Kind::added, "added"},
                                                   {InstanceEvent::Kind::changed, "changed"},
                                                   {InstanceEvent::Kind::removed, "removed"}})

namespace detail {
template <class T>
nlohmann::json optional_to_json(const std::optional<T>& value) {
  return value ? nlohmann::json(*value) : nlohmann::json(nullptr);
}
template <class T>
std::optional<T> optional_from_json(const nlohmann::json& j, const char* key) {
  const nlohmann::json& value = j.at(key);
  if (value.is_null()) return std::nullopt;
  return value.get<T>();
}
}  // namespace detail

// What identifies a spec's content: 16 hex digits of the 64-bit FNV-1a hash of command, args
// and env (not group: moving to another group is not a change of what runs). The same in
// every build, so it can be stored and compared across restarts.
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

inline void to_json(nlohmann::json& j, const InstanceSpec& s) {
  j = {{"group", s.group}, {"command", s.command}, {"args", s.args}, {"env", s.env}};
}

inline void from_json(const nlohmann::json& j, InstanceSpec& s) {
  j.at("group").get_to(s.group);
  j.at("command").get_to(s.command);
  s.args = j.value("args", std::vector<std::string>{});
  s.env = j.value("env", std::vector<std::string>{});
}

inline void to_json(nlohmann::json& j, const Instance& i) {
  j = {{"group", i.group},         {"extra", detail::optional_to_json(i.extra)},
       {"spec_hash", i.spec_hash}, {"backend_id", i.backend_id},
       {"state", i.state},         {"status", detail::optional_to_json(i.status)},
       {"reason", i.reason},       {"since", i.since},
       {"failures", i.failures},   {"retry_at", i.retry_at}};
}

inline void from_json(const nlohmann::json& j, Instance& i) {
  j.at("group").get_to(i.group);
  i.extra = detail::optional_from_json<std::string>(j, "extra");
  j.at("spec_hash").get_to(i.spec_hash);
  j.at("backend_id").get_to(i.backend_id);
  j.at("state").get_to(i.state);
  i.status = detail::optional_from_json<int>(j, "status");
  j.at("reason").get_to(i.reason);
  j.at("since").get_to(i.since);
  j.at("failures").get_to(i.failures);
  j.at("retry_at").get_to(i.retry_at);
}

inline void to_json(nlohmann::json& j, const InstanceEvent& e) {
  j = {{"kind", e.kind},
       {"name", e.name},
       {"old", detail::optional_to_json(e.old_instance)},
       {"new", detail::optional_to_json(e.new_instance)}};
}

inline void from_json(const nlohmann::json& j, InstanceEvent& e) {
  j.at("kind").get_to(e.kind);
  j.at("name").get_to(e.name);
  e.old_instance = detail::optional_from_json<Instance>(j, "old");
  e.new_instance = detail::optional_from_json<Instance>(j, "new");
}

}  // namespace mirari::instances

MIRARI_TYPE_NAME(mirari::instances::InstanceSpec, "instances.spec")
MIRARI_TYPE_NAME(mirari::instances::Instance, "instances.instance")
MIRARI_TYPE_NAME(mirari::instances::InstanceEvent, "instances.event")
