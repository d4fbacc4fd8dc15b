// The `network` table of the instance manager's configuration: defaults, each refusal naming
// its key by path, and the address each instance gets from the prefix.
#include <catch2/catch.hpp>

#include <map>
#include <string>

#include <mirari/config.hpp>

#include "manager_options.hpp"
#include "network_settings.hpp"

using mirari::check_config;
using mirari::Config;
using mirari::ConfigError;
using mirari::ConfigValue;
using mirari::instances::instance_address;
using mirari::instances::manager_config_keys;
using mirari::instances::ManagerOptions;
using mirari::instances::NetworkSettings;
using mirari::instances::parse_options;
using mirari::instances::SwitchKind;
using mirari::instances::to_string;
using Values = std::map<std::string, ConfigValue, std::less<>>;

namespace {

ManagerOptions options(Config::Values network, Values more = {}) {
  Values values{{"group", "web"}, {"command", "/usr/bin/web"}, {"network", Config(network)}};
  for (auto& [key, value] : more) values[key] = value;
  return parse_options(check_config(manager_config_keys(), std::move(values), "web"));
}

std::pair<std::string, std::string> refusal(Config::Values network, Values more = {}) {
  try {
    options(std::move(network), std::move(more));
  } catch (const ConfigError& e) {
    return {e.key(), e.what()};
  }
  return {"", "accepted"};
}

NetworkSettings settings(const std::string& prefix, const std::string& gateway = "") {
  return options({{"bridge", "br0"}, {"prefix", prefix}, {"gateway", gateway}}).network;
}

}  // namespace

TEST_CASE("without a network table the instances share the host's network and stop at once") {
  const ManagerOptions o = parse_options(
      check_config(manager_config_keys(), {{"group", "web"}, {"command", "/bin/x"}}, "web"));
  CHECK_FALSE(o.network.enabled());
  CHECK(o.network.drain.count() == 0);
}

TEST_CASE("a network table is read whole, with its defaults") {
  const NetworkSettings s = options({{"bridge", "br-web"},
                                     {"prefix", "192.0.2.0/24"},
                                     {"gateway", "192.0.2.1"},
                                     {"drain_ms", std::int64_t{250}}})
                                .network;
  CHECK(s.enabled());
  CHECK(s.bridge == "br-web");
  CHECK(s.kind == SwitchKind::linux_bridge);
  CHECK(s.ovs_db == "unix:/var/run/openvswitch/db.sock");
  CHECK(to_string(s.prefix) == "192.0.2.0/24");
  CHECK(s.gateway == "192.0.2.1");
  CHECK(s.drain.count() == 250);

  const NetworkSettings ovs = options({{"bridge", "br-int"},
                                       {"switch", "ovs"},
                                       {"ovs_db", "unix:/tmp/ovs/db.sock"},
                                       {"prefix", "2001:db8:5::/64"}})
                                  .network;
  CHECK(ovs.kind == SwitchKind::ovs);
  CHECK(ovs.ovs_db == "unix:/tmp/ovs/db.sock");
  CHECK(to_string(ovs.prefix) == "2001:db8:5::/64");
  CHECK_FALSE(ovs.gateway);
}

TEST_CASE("drain_ms alone delays SIGTERM without a network of the instances' own") {
  const NetworkSettings s = options({{"drain_ms", std::int64_t{100}}}).network;
  CHECK_FALSE(s.enabled());
  CHECK(s.drain.count() == 100);
}

TEST_CASE("bad network settings are refused naming the key by its path") {
  using P = std::pair<std::string, std::string>;
  const Config::Values ok{{"bridge", "br0"}, {"prefix", "192.0.2.0/24"}};
  const auto with = [&](const std::string& key, ConfigValue value) {
    Config::Values v = ok;
    v[key] = std::move(value);
    return v;
  };
  CHECK(refusal(with("bridge", std::string("a-bridge-name-too-long"))) ==
        P{"network.bridge",
          "network.bridge 'a-bridge-name-too-long' is not an interface name (1 to 15 bytes, no "
          "'/', ':', space or control character)"});
  CHECK(refusal(with("switch", std::string("vde"))) ==
        P{"network.switch", "network.switch 'vde' is not linux or ovs"});
  CHECK(refusal(with("ovs_db", std::string("/var/run/db.sock"))).first == "network.ovs_db");
  CHECK(refusal({{"bridge", "br0"}}) ==
        P{"network.prefix",
          "network.prefix is required with a bridge: the prefix the instances' addresses come "
          "from (e.g. 192.0.2.0/24)"});
  CHECK(refusal(with("prefix", std::string("192.0.2.0"))) ==
        P{"network.prefix",
          "network.prefix '192.0.2.0' is not a prefix (ADDRESS/LENGTH, e.g. 192.0.2.0/24)"});
  CHECK(refusal(with("prefix", std::string("192.0.2.300/24"))) ==
        P{"network.prefix",
          "network.prefix '192.0.2.300/24' does not start with an IPv4 or IPv6 address"});
  CHECK(refusal(with("prefix", std::string("192.0.2.0/x"))) ==
        P{"network.prefix", "network.prefix '192.0.2.0/x' has no prefix length"});
  CHECK(refusal(with("prefix", std::string("192.0.2.0/31"))) ==
        P{"network.prefix",
          "network.prefix '192.0.2.0/31' is too small to hold an instance: its length must be "
          "at most 30"});
  CHECK(refusal(with("prefix", std::string("2001:db8::/127"))).first == "network.prefix");
  CHECK(refusal(with("prefix", std::string("192.0.2.5/24"))) ==
        P{"network.prefix", "network.prefix '192.0.2.5/24' has host bits set"});
  CHECK(refusal(with("gateway", std::string("2001:db8::1"))) ==
        P{"network.gateway",
          "network.gateway '2001:db8::1' is not an IPv4 address, as network.prefix is"});
  CHECK(refusal(with("gateway", std::string("198.51.100.1"))) ==
        P{"network.gateway", "network.gateway '198.51.100.1' is not inside 192.0.2.0/24"});
  CHECK(refusal(with("gateway", std::string("192.0.2.255"))) ==
        P{"network.gateway",
          "network.gateway '192.0.2.255' is the network or broadcast address of 192.0.2.0/24"});
  CHECK(refusal(with("gateway", std::string("192.0.2.0"))).first == "network.gateway");
  CHECK(refusal(with("drain_ms", std::int64_t{-1})) ==
        P{"network.drain_ms",
          "network.drain_ms must be between 0 and 86400000 milliseconds, not -1"});
  CHECK(refusal({{"prefix", "192.0.2.0/24"}}) ==
        P{"network.bridge",
          "network.prefix is given without network.bridge: name the bridge the instances' "
          "ports join"});
  CHECK(refusal({{"switch", "ovs"}}) ==
        P{"network.bridge", "network.switch is ovs but no network.bridge is named"});
  CHECK(refusal(ok, {{"backend", "xen"}, {"command", "/boot/web.xen"}}) ==
        P{"network.bridge",
          "network is for the process backend; a xen domain's vif joins xen_bridge instead"});
  CHECK(refusal(with("colour", std::string("red"))).first == "network.colour");
}

TEST_CASE("each instance's address follows its serial and skips the gateway") {
  const NetworkSettings s = settings("192.0.2.0/24", "192.0.2.1");
  CHECK(instance_address(s, 1) == "192.0.2.2");
  CHECK(instance_address(s, 2) == "192.0.2.3");
  CHECK(instance_address(s, 253) == "192.0.2.254");
  // 253 addresses besides the gateway, the network and broadcast addresses: then it wraps.
  CHECK(instance_address(s, 254) == "192.0.2.2");

  const NetworkSettings middle = settings("198.51.100.0/29", "198.51.100.3");
  CHECK(instance_address(middle, 1) == "198.51.100.1");
  CHECK(instance_address(middle, 2) == "198.51.100.2");
  CHECK(instance_address(middle, 3) == "198.51.100.4");
  CHECK(instance_address(middle, 5) == "198.51.100.6");
  CHECK(instance_address(middle, 6) == "198.51.100.1");

  const NetworkSettings no_gateway = settings("203.0.113.0/24");
  CHECK(instance_address(no_gateway, 1) == "203.0.113.1");
  CHECK(instance_address(no_gateway, 254) == "203.0.113.254");
  CHECK(instance_address(no_gateway, 255) == "203.0.113.1");
}

TEST_CASE("IPv6 instances' addresses carry across bytes and never wrap in practice") {
  const NetworkSettings s = settings("2001:db8:1::/64", "2001:db8:1::1");
  CHECK(instance_address(s, 1) == "2001:db8:1::2");
  CHECK(instance_address(s, 255) == "2001:db8:1::100");
  CHECK(instance_address(s, 70000) == "2001:db8:1::1:1171");
  const NetworkSettings small = settings("2001:db8::/126");
  CHECK(instance_address(small, 3) == "2001:db8::3");
  CHECK(instance_address(small, 4) == "2001:db8::1");
}
