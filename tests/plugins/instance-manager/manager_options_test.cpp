// The instance manager's configuration: defaults, and every refusal naming its key.
#include <catch2/catch.hpp>

#include <map>
#include <string>

#include <mirari/config.hpp>

#include "manager_options.hpp"

using mirari::check_config;
using mirari::Config;
using mirari::ConfigError;
using mirari::ConfigValue;
using mirari::instances::manager_config_keys;
using mirari::instances::ManagerOptions;
using mirari::instances::parse_options;
using mirari::instances::VictimRule;
using Values = std::map<std::string, ConfigValue, std::less<>>;

namespace {

Values minimal() {
  return {{"group", "web"}, {"command", "/usr/bin/web"}};
}

ManagerOptions options(Values values) {
  return parse_options(check_config(manager_config_keys(), std::move(values), "web"));
}

// The key and message a configuration is refused with.
std::pair<std::string, std::string> refusal(Values values) {
  try {
    options(std::move(values));
  } catch (const ConfigError& e) {
    return {e.key(), e.what()};
  }
  return {"", "accepted"};
}

Values with(const std::string& key, ConfigValue value) {
  Values v = minimal();
  v[key] = std::move(value);
  return v;
}

}  // namespace

TEST_CASE("a group and a command are enough; the rest has defaults") {
  const ManagerOptions o = options(minimal());
  CHECK(o.rules.group == "web");
  CHECK(o.rules.spec.group == "web");
  CHECK(o.rules.spec.command == "/usr/bin/web");
  CHECK(o.rules.spec.args.empty());
  CHECK(o.rules.min == 0);
  CHECK(o.rules.max == 10);
  CHECK(o.rules.surge == 1);
  CHECK(o.rules.victim == VictimRule::youngest);
  CHECK(o.state_dir == "/var/lib/mirari/instances");
  CHECK(o.group_dir() == "/var/lib/mirari/instances/web");
  CHECK(o.desired_port() == "scale.web.desired");
  CHECK(o.start_grace.count() == 1000);
  CHECK(o.stop_timeout.count() == 10000);
  CHECK(o.backoff.initial.count() == 1000);
  CHECK(o.backoff.max.count() == 60000);
  CHECK(o.actual_port == "instances.actual");
  CHECK(o.events_port == "instances.events");
}

TEST_CASE("every key is read") {
  Values v = minimal();
  v["args"] = std::vector<std::string>{"--port", "0"};
  v["env"] = std::vector<std::string>{"MODE=fast"};
  v["min"] = std::int64_t{2};
  v["max"] = std::int64_t{5};
  v["surge"] = std::int64_t{2};
  v["victim"] = "least-loaded";
  v["state_dir"] = "/srv/mirari";
  v["start_grace_ms"] = std::int64_t{0};
  v["stop_timeout_ms"] = std::int64_t{500};
  v["backoff_initial_ms"] = std::int64_t{10};
  v["backoff_max_ms"] = std::int64_t{20};
  v["actual_port"] = "instances.web.actual";
  v["events_port"] = "instances.web.events";
  const ManagerOptions o = options(v);
  CHECK(o.rules.spec.args == std::vector<std::string>{"--port", "0"});
  CHECK(o.rules.spec.env == std::vector<std::string>{"MODE=fast"});
  CHECK(o.rules.min == 2);
  CHECK(o.rules.max == 5);
  CHECK(o.rules.surge == 2);
  CHECK(o.rules.victim == VictimRule::least_loaded);
  CHECK(o.group_dir() == "/srv/mirari/web");
  CHECK(o.start_grace.count() == 0);
  CHECK(o.stop_timeout.count() == 500);
  CHECK(o.backoff.initial.count() == 10);
  CHECK(o.backoff.max.count() == 20);
  CHECK(o.actual_port == "instances.web.actual");
  CHECK(o.events_port == "instances.web.events");
  CHECK(options(with("victim", "oldest")).rules.victim == VictimRule::oldest);
}

TEST_CASE("a missing group or command is refused before configure") {
  CHECK_THROWS_WITH(options({{"group", "web"}}),
                    "plugin 'web': missing required key 'command' (string: absolute path of the "
                    "program each instance of the group runs)");
  CHECK_THROWS_WITH(options({{"command", "/bin/web"}}),
                    Catch::StartsWith("plugin 'web': missing required key 'group'"));
}

TEST_CASE("min above max is refused") {
  Values v = minimal();
  v["min"] = std::int64_t{3};
  v["max"] = std::int64_t{2};
  CHECK(refusal(v) == std::pair<std::string, std::string>{"min", "min (3) is above max (2)"});
}

TEST_CASE("each bad value is refused, naming its key") {
  using R = std::pair<std::string, std::string>;
  CHECK(refusal(with("command", "")) == R{"command", "the command is empty"});
  CHECK(refusal(with("command", "bin/web")) ==
        R{"command", "the command 'bin/web' is not an absolute path"});
  CHECK(refusal(with("env", std::vector<std::string>{"MODE"})) ==
        R{"env", "environment entry 'MODE' is not NAME=value"});
  CHECK(refusal(with("env", std::vector<std::string>{"1X=y"})) ==
        R{"env", "environment entry '1X=y' is not NAME=value"});
  CHECK(refusal(with("args", std::vector<std::string>{std::string("a\0b", 3)})) ==
        R{"args", "an argument holds a NUL byte"});
  CHECK(refusal(with("group", "web.front")) ==
        R{"group", "group 'web.front' must be 1 to 40 letters, digits, '-' or '_'"});
  CHECK(refusal(with("group", "")).first == "group");
  CHECK(refusal(with("min", std::int64_t{-1})) == R{"min", "min must be 0 or more"});
  CHECK(refusal(with("max", std::int64_t{0})) == R{"max", "max must be between 1 and 10000"});
  CHECK(refusal(with("max", std::int64_t{10001})).first == "max");
  CHECK(refusal(with("surge", std::int64_t{0})) == R{"surge", "surge must be between 1 and 10000"});
  CHECK(refusal(with("victim", "random")) ==
        R{"victim", "victim 'random' is not youngest, oldest or least-loaded"});
  CHECK(refusal(with("state_dir", "var/lib")) ==
        R{"state_dir", "state_dir 'var/lib' is not an absolute path"});
  CHECK(
      refusal(with("stop_timeout_ms", std::int64_t{-5})) ==
      R{"stop_timeout_ms", "stop_timeout_ms must be between 0 and 86400000 milliseconds, not -5"});
  CHECK(refusal(with("backoff_initial_ms", std::int64_t{0})).first == "backoff_initial_ms");
  CHECK(refusal(with("backoff_initial_ms", std::int64_t{90000})) ==
        R{"backoff_initial_ms", "backoff_initial_ms (90000) is above backoff_max_ms (60000)"});
  CHECK(refusal(with("actual_port", "")) == R{"actual_port", "actual_port must name a port"});
  CHECK(refusal(with("events_port", "instances.actual")) ==
        R{"events_port", "actual_port and events_port are both 'instances.actual'"});
}

TEST_CASE("a key of the wrong type or an unknown key is refused by the host's check") {
  CHECK_THROWS_WITH(options(with("min", "two")),
                    Catch::StartsWith("plugin 'web': key 'min' must be"));
  CHECK_THROWS_WITH(options(with("groups", std::vector<std::string>{"a"})),
                    "plugin 'web': unknown key 'groups'");
}

TEST_CASE("the backend is process unless xen is asked for, with Xen settings' defaults") {
  using mirari::instances::BackendKind;
  using mirari::instances::GuestType;
  const ManagerOptions o = options(minimal());
  CHECK(o.backend == BackendKind::process);
  CHECK(o.xen.memory_mib == 128);
  CHECK(o.xen.vcpus == 1);
  CHECK(o.xen.type == GuestType::pvh);
  CHECK(o.xen.ramdisk.empty());
  CHECK(o.xen.bridge.empty());
  CHECK(o.poll_interval.count() == 1000);
}

TEST_CASE("every xen key is read") {
  using mirari::instances::BackendKind;
  using mirari::instances::GuestType;
  Values v = minimal();
  v["command"] = "/boot/web.xen";
  v["args"] = std::vector<std::string>{"--port=80"};
  v["backend"] = "xen";
  v["xen_memory_mib"] = std::int64_t{512};
  v["xen_vcpus"] = std::int64_t{4};
  v["xen_type"] = "pv";
  v["xen_ramdisk"] = "/boot/web.initrd";
  v["xen_bridge"] = "xenbr0";
  v["xen_poll_ms"] = std::int64_t{250};
  const ManagerOptions o = options(v);
  CHECK(o.backend == BackendKind::xen);
  CHECK(o.xen.memory_mib == 512);
  CHECK(o.xen.vcpus == 4);
  CHECK(o.xen.type == GuestType::pv);
  CHECK(o.xen.ramdisk == "/boot/web.initrd");
  CHECK(o.xen.bridge == "xenbr0");
  CHECK(o.poll_interval.count() == 250);
}

TEST_CASE("each bad xen value is refused, naming its key") {
  using R = std::pair<std::string, std::string>;
  CHECK(refusal(with("backend", "kvm")) == R{"backend", "backend 'kvm' is not process or xen"});
  CHECK(refusal(with("xen_memory_mib", std::int64_t{0})) ==
        R{"xen_memory_mib", "xen_memory_mib must be between 1 and 1048576, not 0"});
  CHECK(refusal(with("xen_memory_mib", std::int64_t{-1})).first == "xen_memory_mib");
  CHECK(refusal(with("xen_vcpus", std::int64_t{0})) ==
        R{"xen_vcpus", "xen_vcpus must be between 1 and 128, not 0"});
  CHECK(refusal(with("xen_vcpus", std::int64_t{129})).first == "xen_vcpus");
  CHECK(refusal(with("xen_type", "hvm")) == R{"xen_type", "xen_type 'hvm' is not pvh or pv"});
  CHECK(refusal(with("xen_ramdisk", "initrd")) ==
        R{"xen_ramdisk", "xen_ramdisk 'initrd' is not an absolute path"});
  CHECK(refusal(with("xen_bridge", "br/0")).first == "xen_bridge");
  CHECK(refusal(with("xen_poll_ms", std::int64_t{0})).first == "xen_poll_ms");
}

TEST_CASE("with backend xen, a spec that cannot become a domain is refused") {
  using R = std::pair<std::string, std::string>;
  Values v = with("backend", "xen");
  v["env"] = std::vector<std::string>{"MODE=fast"};
  CHECK(refusal(v) == R{"env",
                        "a domain has no environment: pass settings as arguments (the kernel "
                        "command line) instead of env"});
  v = with("backend", "xen");
  v["args"] = std::vector<std::string>{"two words"};
  CHECK(refusal(v).first == "args");
  // The process backend runs the same spec.
  v["backend"] = "process";
  CHECK(refusal(v) == R{"", "accepted"});
}
