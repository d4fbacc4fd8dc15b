#include "manager_options.hpp"

#include "spec_rules.hpp"

namespace mirari::instances {

namespace {

constexpr std::int64_t kMaxInstances = 10'000;
constexpr std::int64_t kMaxMs = 86'400'000;  // a day

std::chrono::milliseconds duration(const Config& config, const char* key, std::int64_t low) {
  return std::chrono::milliseconds(config.integer(key, low, kMaxMs, "milliseconds"));
}

std::string port(const Config& config, const char* key) {
  std::string name = config.get<std::string>(key);
  if (name.empty()) throw ConfigError(std::string(key) + " must name a port", key);
  return name;
}

void parse_backend(const Config& config, ManagerOptions& o) {
  const std::string& backend = config.get<std::string>("backend");
  if (backend == "process") {
    o.backend = BackendKind::process;
  } else if (backend == "xen") {
    o.backend = BackendKind::xen;
  } else {
    throw ConfigError("backend '" + backend + "' is not process or xen", "backend");
  }

  o.xen.memory_mib = static_cast<std::uint64_t>(
      config.integer("xen_memory_mib", 1, static_cast<std::int64_t>(kMaxMemoryMib)));
  o.xen.vcpus = static_cast<std::uint32_t>(config.integer("xen_vcpus", 1, kMaxVcpus));
  const std::string& type = config.get<std::string>("xen_type");
  if (type == "pvh") {
    o.xen.type = GuestType::pvh;
  } else if (type == "pv") {
    o.xen.type = GuestType::pv;
  } else {
    throw ConfigError("xen_type '" + type + "' is not pvh or pv", "xen_type");
  }
  o.xen.ramdisk = config.get<std::string>("xen_ramdisk");
  o.xen.bridge = config.get<std::string>("xen_bridge");
  if (auto problem = settings_problem(o.xen)) throw ConfigError(problem->message, problem->field);
  o.poll_interval = duration(config, "xen_poll_ms", 1);
  if (o.backend == BackendKind::xen) {
    if (auto problem = domain_config_problem(o.rules.spec, o.xen)) {
      throw ConfigError(problem->message, problem->field);
    }
  }
}

}  // namespace

std::vector<ConfigKey> manager_config_keys() {
  return {
      ConfigKey::required("group", ConfigType::string,
                          "the scaling group: names its instances (GROUP-N) and the port of "
                          "its desired count (scale.GROUP.desired)"),
      ConfigKey::required("command", ConfigType::string,
                          "absolute path of the program each instance of the group runs"),
      ConfigKey::optional("args", std::vector<std::string>(), "the program's arguments"),
      ConfigKey::optional("env", std::vector<std::string>(),
                          "NAME=value entries added to the instances' environment"),
      ConfigKey::optional("min", std::int64_t{0}, "fewest instances, whatever the policy asks"),
      ConfigKey::optional("max", std::int64_t{10}, "most instances, whatever the policy asks"),
      ConfigKey::optional("surge", std::int64_t{1},
                          "instances started beyond the count while replacing outdated ones"),
      ConfigKey::optional("victim", std::string("youngest"),
                          "which running instance goes first when scaling down: youngest, "
                          "oldest or least-loaded (from load.by_instance)"),
      ConfigKey::optional("state_dir", std::string("/var/lib/mirari/instances"),
                          "absolute directory of the state file (state_dir/GROUP/state.json) "
                          "and of each instance's working directory, log and config"),
      ConfigKey::optional("start_grace_ms", std::int64_t{1000},
                          "how long a new instance must stay up to count as running; ending "
                          "sooner is a failed create"),
      ConfigKey::optional("stop_timeout_ms", std::int64_t{10000},
                          "how long a stopping instance has between SIGTERM and SIGKILL"),
      ConfigKey::optional("backoff_initial_ms", std::int64_t{1000},
                          "wait before retrying a failed create; doubles with each failure"),
      ConfigKey::optional("backoff_max_ms", std::int64_t{60000},
                          "longest wait before retrying a failed create"),
      ConfigKey::optional("backend", std::string("process"),
                          "what runs the instances: process (processes of this host) or xen "
                          "(Xen domains; command is the kernel image, args its command line)"),
      ConfigKey::optional("xen_memory_mib", std::int64_t{128},
                          "backend xen: each domain's memory, in MiB"),
      ConfigKey::optional("xen_vcpus", std::int64_t{1}, "backend xen: each domain's vCPUs"),
      ConfigKey::optional("xen_type", std::string("pvh"), "backend xen: guest type, pvh or pv"),
      ConfigKey::optional("xen_ramdisk", std::string(),
                          "backend xen: absolute path of the domains' ramdisk; empty: none"),
      ConfigKey::optional("xen_bridge", std::string(),
                          "backend xen: host bridge each domain's one vif is attached to; "
                          "empty: no network"),
      ConfigKey::optional("xen_poll_ms", std::int64_t{1000},
                          "backend xen: how often the domain list is read"),
      ConfigKey::table("network", network_config_keys(),
                       "backend process: each instance in a network namespace of its own, with "
                       "a port on a host bridge"),
      ConfigKey::optional("desired_port", std::string(),
                          "port of the group's count; empty: scale.GROUP.desired (a group spread "
                          "over hosts reads this host's share, scale.GROUP.share)"),
      ConfigKey::optional("actual_port", std::string(ports::kInstancesActual),
                          "port of the table of this group's instances"),
      ConfigKey::optional("events_port", std::string(ports::kInstancesEvents),
                          "port of the changes of that table"),
  };
}

ManagerOptions parse_options(const Config& config) {
  ManagerOptions o;
  GroupRules& rules = o.rules;

  rules.group = config.get<std::string>("group");
  if (!is_slot_name(rules.group)) {
    throw ConfigError("group '" + rules.group + "' must be 1 to " +
                          std::to_string(kMaxSlotNameLength) + " letters, digits, '-' or '_'",
                      "group");
  }
  rules.spec.group = rules.group;
  rules.spec.command = config.get<std::string>("command");
  rules.spec.args = config.get<std::vector<std::string>>("args");
  rules.spec.env = config.get<std::vector<std::string>>("env");
  if (auto problem = spec_problem(rules.spec)) throw ConfigError(problem->message, problem->field);

  rules.min = config.get<std::int64_t>("min");
  rules.max = config.get<std::int64_t>("max");
  if (rules.min < 0) throw ConfigError("min must be 0 or more", "min");
  if (rules.max < 1 || rules.max > kMaxInstances) {
    throw ConfigError("max must be between 1 and " + std::to_string(kMaxInstances), "max");
  }
  if (rules.min > rules.max) {
    throw ConfigError(
        "min (" + std::to_string(rules.min) + ") is above max (" + std::to_string(rules.max) + ")",
        "min");
  }
  rules.surge = config.get<std::int64_t>("surge");
  if (rules.surge < 1 || rules.surge > kMaxInstances) {
    throw ConfigError("surge must be between 1 and " + std::to_string(kMaxInstances), "surge");
  }

  const std::string& victim = config.get<std::string>("victim");
  if (victim == "youngest") {
    rules.victim = VictimRule::youngest;
  } else if (victim == "oldest") {
    rules.victim = VictimRule::oldest;
  } else if (victim == "least-loaded") {
    rules.victim = VictimRule::least_loaded;
  } else {
    throw ConfigError("victim '" + victim + "' is not youngest, oldest or least-loaded", "victim");
  }

  o.state_dir = config.get<std::string>("state_dir");
  if (!o.state_dir.is_absolute()) {
    throw ConfigError("state_dir '" + o.state_dir.string() + "' is not an absolute path",
                      "state_dir");
  }
  o.start_grace = duration(config, "start_grace_ms", 0);
  o.stop_timeout = duration(config, "stop_timeout_ms", 0);
  o.backoff.initial = duration(config, "backoff_initial_ms", 1);
  o.backoff.max = duration(config, "backoff_max_ms", 1);
  if (o.backoff.initial > o.backoff.max) {
    throw ConfigError("backoff_initial_ms (" + std::to_string(o.backoff.initial.count()) +
                          ") is above backoff_max_ms (" + std::to_string(o.backoff.max.count()) +
                          ")",
                      "backoff_initial_ms");
  }

  parse_backend(config, o);
  o.network = parse_network(config.table("network"));
  if (o.backend == BackendKind::xen && (o.network.enabled() || o.network.drain.count() != 0)) {
    throw ConfigError(
        "network is for the process backend; a xen domain's vif joins xen_bridge instead",
        o.network.enabled() ? "network.bridge" : "network.drain_ms");
  }

  o.desired = config.get<std::string>("desired_port");
  o.actual_port = port(config, "actual_port");
  o.events_port = port(config, "events_port");
  if (o.actual_port == o.events_port) {
    throw ConfigError("actual_port and events_port are both '" + o.actual_port + "'",
                      "events_port");
  }
  return o;
}

}  // namespace mirari::instances
