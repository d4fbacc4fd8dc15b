// The domain the xen backend asks libxl for: every field from the spec and the group's Xen
// settings, and every refusal with its key and message, before any domain is made.
#include <catch2/catch.hpp>

#include <stdexcept>
#include <string>

#include "xen_domain_config.hpp"

using mirari::instances::domain_config;
using mirari::instances::domain_config_problem;
using mirari::instances::GuestType;
using mirari::instances::is_bridge_name;
using mirari::instances::settings_problem;
using mirari::instances::XenDomainConfig;
using mirari::instances::XenSettings;
using mirari::ports::InstanceSpec;

namespace {

const std::string kUuid = "6a1f3c2e-8d4b-4e6f-9a1b-2c3d4e5f6a7b";

InstanceSpec spec() {
  return InstanceSpec{
      "web", "/var/lib/unikernels/web.xen", {"--port=80", "--ipv4=192.0.2.7/24"}, {}};
}

// The field and message spec is refused with under settings.
std::pair<std::string, std::string> refusal(const InstanceSpec& s, const XenSettings& settings) {
  auto problem = domain_config_problem(s, settings);
  if (!problem) return {"", "accepted"};
  return {problem->field, problem->message};
}

}  // namespace

TEST_CASE("every field of the domain comes from the spec and the settings") {
  XenSettings settings;
  settings.memory_mib = 256;
  settings.vcpus = 2;
  settings.type = GuestType::pv;
  settings.ramdisk = "/var/lib/unikernels/web.initrd";
  settings.bridge = "xenbr0";
  const XenDomainConfig c = domain_config("web-3", kUuid, spec(), settings);
  CHECK(c.name == "web-3");
  CHECK(c.uuid == kUuid);
  CHECK(c.type == GuestType::pv);
  CHECK(c.memory_kib == 256 * 1024);
  CHECK(c.vcpus == 2);
  CHECK(c.kernel == "/var/lib/unikernels/web.xen");
  CHECK(c.cmdline == "--port=80 --ipv4=192.0.2.7/24");
  CHECK(c.ramdisk == "/var/lib/unikernels/web.initrd");
  CHECK(c.bridge == std::optional<std::string>("xenbr0"));
}

TEST_CASE("the default settings make a 128 MiB one-vCPU PVH domain with no ramdisk and no vif") {
  InstanceSpec s = spec();
  s.args.clear();
  const XenDomainConfig c = domain_config("web-1", kUuid, s, XenSettings{});
  CHECK(c.type == GuestType::pvh);
  CHECK(c.memory_kib == 128 * 1024);
  CHECK(c.vcpus == 1);
  CHECK(c.cmdline.empty());
  CHECK(c.ramdisk.empty());
  CHECK_FALSE(c.bridge.has_value());
  CHECK(to_string(c.type) == "pvh");
  CHECK(to_string(GuestType::pv) == "pv");
}

TEST_CASE("a domain without a kernel image is refused") {
  InstanceSpec s = spec();
  s.command.clear();
  CHECK(refusal(s, {}) == std::pair<std::string, std::string>(
                              "command", "a domain needs a kernel image: the command is empty"));
  CHECK_THROWS_WITH(domain_config("web-1", kUuid, s, {}),
                    "a domain needs a kernel image: the command is empty");
  s.command = "web.xen";
  CHECK(refusal(s, {}) == std::pair<std::string, std::string>(
                              "command", "the kernel image 'web.xen' is not an absolute path"));
}

TEST_CASE("memory 0, or more than the limit, is refused naming xen_memory_mib") {
  XenSettings settings;
  settings.memory_mib = 0;
  CHECK(refusal(spec(), settings) ==
        std::pair<std::string, std::string>("xen_memory_mib",
                                            "xen_memory_mib must be between 1 and 1048576, not 0"));
  CHECK_THROWS_AS(domain_config("web-1", kUuid, spec(), settings), std::invalid_argument);
  settings.memory_mib = 1024 * 1024 + 1;
  CHECK(refusal(spec(), settings).first == "xen_memory_mib");
}

TEST_CASE("no vCPU, or more than the limit, is refused naming xen_vcpus") {
  XenSettings settings;
  settings.vcpus = 0;
  CHECK(refusal(spec(), settings) ==
        std::pair<std::string, std::string>("xen_vcpus",
                                            "xen_vcpus must be between 1 and 128, not 0"));
  settings.vcpus = 129;
  CHECK(refusal(spec(), settings).first == "xen_vcpus");
}

TEST_CASE("a bridge that is not an interface name is refused naming xen_bridge") {
  for (const std::string bad : {"br/0", "br 0", "br:0", ".", "..", "sixteen-bytes-xx", "br\t0"}) {
    INFO(bad);
    CHECK_FALSE(is_bridge_name(bad));
    XenSettings settings;
    settings.bridge = bad;
    CHECK(settings_problem(settings)->field == "xen_bridge");
    CHECK(refusal(spec(), settings) ==
          std::pair<std::string, std::string>(
              "xen_bridge", "xen_bridge '" + bad +
                                "' is not an interface name (1 to 15 bytes, no '/', ':', space "
                                "or control character)"));
  }
  for (const std::string good : {"xenbr0", "br-web", "fifteen-bytes-x", "virbr0.10"}) {
    INFO(good);
    CHECK(is_bridge_name(good));
  }
}

TEST_CASE("a relative ramdisk is refused naming xen_ramdisk") {
  XenSettings settings;
  settings.ramdisk = "initrd.img";
  CHECK(refusal(spec(), settings) ==
        std::pair<std::string, std::string>("xen_ramdisk",
                                            "xen_ramdisk 'initrd.img' is not an absolute path"));
}

TEST_CASE("arguments the kernel command line cannot carry, and env, are refused") {
  InstanceSpec s = spec();
  s.args = {"--name=a b"};
  CHECK(refusal(s, {}).first == "args");
  s.args = {""};
  CHECK(refusal(s, {}).first == "args");
  s.args = {"--x\n"};
  CHECK(refusal(s, {}).first == "args");
  s = spec();
  s.env = {"LOG=debug"};
  CHECK(refusal(s, {}) == std::pair<std::string, std::string>(
                              "env",
                              "a domain has no environment: pass settings as arguments (the "
                              "kernel command line) instead of env"));
}
