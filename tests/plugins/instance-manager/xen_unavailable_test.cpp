// On a host that is not a Xen dom0 (this test's host: no hypervisor runs), opening the Xen
// toolstack fails naming what is missing, and the plugin refuses backend = "xen" at
// configure with that error instead of failing later; in a build without libxen, it refuses
// it saying so. The only test that calls libxenctrl: xc_interface_open, which touches no
// hypervisor when there is none.
#include <catch2/catch.hpp>

#include <filesystem>
#include <map>
#include <string>

#include <mirari/config.hpp>

#include "instance_manager_plugin.hpp"

using mirari::check_config;
using mirari::ConfigError;
using mirari::ConfigValue;
using mirari::instances::InstanceManagerPlugin;
using mirari::instances::manager_config_keys;
using Values = std::map<std::string, ConfigValue, std::less<>>;

namespace {

#if MIRARI_HAVE_XEN
using mirari::instances::XenToolstack;
using mirari::instances::XenUnavailable;

const char* const kMissing =
    "the xen backend needs a Xen host: cannot open the hypervisor interface (xc_interface_open: "
    "No such file or directory); this host is not a Xen dom0 with /dev/xen/privcmd";

#else
const char* const kMissing =
    "this instance-manager.so was built without the xen backend (pkg-config found no "
    "xencontrol and xenlight: libxen-dev was not installed)";
#endif

bool xen_host() {
  return MIRARI_HAVE_XEN && std::filesystem::exists("/dev/xen/privcmd");
}

}  // namespace

#if MIRARI_HAVE_XEN

TEST_CASE("without a hypervisor, opening the toolstack fails naming what is missing") {
  if (xen_host()) {
    WARN("this host has /dev/xen/privcmd: nothing to check");
    return;
  }
  CHECK_THROWS_AS(XenToolstack::open(), XenUnavailable);
  CHECK_THROWS_WITH(XenToolstack::open(), kMissing);
}

#endif

TEST_CASE("without a hypervisor, the plugin refuses backend xen at configure, naming backend") {
  if (xen_host()) {
    WARN("this host has /dev/xen/privcmd: nothing to check");
    return;
  }
  const Values values{{"group", "web"}, {"command", "/boot/web.xen"}, {"backend", "xen"}};
  InstanceManagerPlugin plugin;
  try {
    plugin.configure(check_config(manager_config_keys(), values, "web"));
    FAIL("configure accepted backend xen without a hypervisor");
  } catch (const ConfigError& e) {
    CHECK(e.key() == "backend");
    CHECK(std::string(e.what()) == kMissing);
  }
  // The same plugin still takes a process configuration afterwards.
  CHECK_NOTHROW(plugin.configure(check_config(
      manager_config_keys(), Values{{"group", "web"}, {"command", "/bin/true"}}, "web")));
}
