// The XenStore watcher as mirarid runs it, through the SDK's plugin harness, with the real
// libxenstore talking to the XenStore-protocol server of tools/xenstored: domains, devices
// through the xenbus states, guests' data/ reports, transactions, a dropped connection, a
// missing store, bad configuration, the library export and reload.
#include <catch2/catch.hpp>

#include <chrono>
#include <string>
#include <vector>

#include "load_monitor_plugin.hpp"
#include "mirari/introspection.hpp"
#include "mirari/testing.hpp"
#include "xenstore_fixture.hpp"
#include "xenstore_watcher_plugin.hpp"

using namespace mirari::xen;
using mirari::ConfigValue;
using mirari::load::LoadByInstance;
using mirari::load::LoadMonitorPlugin;
using mirari::load::LoadSample;
using mirari::testing::PluginHarness;
using mirari::testing::XenStoreFixture;

namespace {

constexpr std::chrono::seconds kDeadline{10};

// Short, so that a dropped connection is noticed within the test's patience.
const std::map<std::string, ConfigValue, std::less<>> kQuickKeepalive{
    {"keepalive_ms", std::int64_t{20}}};

std::vector<XenbusState> states(const std::vector<XenDeviceChange>& changes) {
  std::vector<XenbusState> seen;
  for (const XenDeviceChange& c : changes) {
    if (c.new_value) seen.push_back(c.new_value->state);
  }
  return seen;
}

bool has_port(PluginHarness& h, const std::string& name) {
  for (const mirari::PortInfo& port : h.graph().ports()) {
    if (port.name == name && !port.publisher.empty()) return true;
  }
  return false;
}

}  // namespace

TEST_CASE("a watcher started after the domains exist begins with all of them") {
  XenStoreFixture xs;
  xs.create_domain(0, "Domain-0");
  xs.create_domain(5, "web-1");
  xs.create_vif(5, 0, "4");
  xs.write(0, "backend/vbd/5/51712/params", "/images/web-1.img");
  xs.write(5, {{"device/vif/0/state", "4"}, {"data/load", "0.25"}});

  PluginHarness h;
  h.start(std::make_unique<XenStoreWatcherPlugin>());
  const auto& domains = h.value<Domains>("xen.domains");
  REQUIRE(domains.size() == 2);
  CHECK(domains.at("5").name == "web-1");
  CHECK(domains.at("5").memory_target_kib == 131072u);
  const XenDevice& vif = h.value<Devices>("xen.vifs").at("5/0");
  CHECK(vif.state == XenbusState::connected);
  CHECK(vif.frontend_state == XenbusState::connected);
  CHECK(vif.params.at("mac") == "00:16:3e:00:00:05");
  CHECK(h.value<Devices>("xen.vbds").at("5/51712").params.at("params") == "/images/web-1.img");
  CHECK(h.value<DataByDomain>("xen.data").at("5").values.at("load") == "0.25");
}

TEST_CASE(
    "a domain comes with a vbd and a vif that goes Initialising, Connected, Closed, then all go") {
  XenStoreFixture xs;
  xs.create_domain(0, "Domain-0");
  PluginHarness h;
  h.start(std::make_unique<XenStoreWatcherPlugin>());
  auto domain_events = h.record_each<XenDomainChange>("xen.domain_events");
  auto vif_events = h.record_each<XenDeviceChange>("xen.vif_events");
  auto vbd_events = h.record_each<XenDeviceChange>("xen.vbd_events");

  xs.create_domain(7, "db-1");
  REQUIRE(h.settle_until([&] { return !domain_events->empty(); }, kDeadline));
  CHECK(domain_events->at(0).kind == XenChangeKind::added);
  CHECK(domain_events->at(0).new_value->name == "db-1");

  xs.write(
      0, {{"backend/vbd/7/51712/params", "/images/db-1.img"}, {"backend/vbd/7/51712/state", "4"}});
  xs.create_vif(7, 0, "1");
  REQUIRE(h.settle_until([&] { return vif_events->size() == 1; }, kDeadline));
  REQUIRE(h.settle_until([&] { return vbd_events->size() == 1; }, kDeadline));
  CHECK(vbd_events->at(0).new_value->state == XenbusState::connected);
  CHECK(vif_events->at(0).kind == XenChangeKind::added);
  CHECK(vif_events->at(0).new_value->state == XenbusState::initialising);
  CHECK_FALSE(vif_events->at(0).new_value->frontend_state);

  xs.write(0, "backend/vif/7/0/state", "4");
  REQUIRE(h.settle_until([&] { return vif_events->size() == 2; }, kDeadline));
  xs.write(7, "device/vif/0/state", "4");
  REQUIRE(h.settle_until([&] { return vif_events->size() == 3; }, kDeadline));
  CHECK(vif_events->at(2).old_value->frontend_state == std::nullopt);
  CHECK(vif_events->at(2).new_value->frontend_state == XenbusState::connected);
  xs.write(0, "backend/vif/7/0/state", "6");
  REQUIRE(h.settle_until([&] { return vif_events->size() == 4; }, kDeadline));
  CHECK(states(*vif_events) ==
        std::vector<XenbusState>{XenbusState::initialising, XenbusState::connected,
                                 XenbusState::connected, XenbusState::closed});
  CHECK(vif_events->at(3).old_value->state == XenbusState::connected);

  xs.remove(0, "backend/vif/7");
  xs.remove(0, "backend/vbd/7");
  xs.remove(7);
  REQUIRE(h.settle_until([&] { return domain_events->size() == 2; }, kDeadline));
  REQUIRE(h.settle_until([&] { return vif_events->size() == 5; }, kDeadline));
  REQUIRE(h.settle_until([&] { return vbd_events->size() == 2; }, kDeadline));
  CHECK(vbd_events->at(1).kind == XenChangeKind::removed);
  CHECK(h.value<Devices>("xen.vbds").empty());
  CHECK(vif_events->at(4).kind == XenChangeKind::removed);
  CHECK(domain_events->at(1).kind == XenChangeKind::removed);
  CHECK(domain_events->at(1).old_value->name == "db-1");
  CHECK(h.value<Devices>("xen.vifs").empty());
  CHECK_FALSE(h.value<Domains>("xen.domains").contains("7"));
}

TEST_CASE("a vbd written in one transaction appears whole, in one event") {
  XenStoreFixture xs;
  xs.create_domain(0, "Domain-0");
  PluginHarness h;
  h.start(std::make_unique<XenStoreWatcherPlugin>());
  auto vbd_events = h.record_each<XenDeviceChange>("xen.vbd_events");

  const std::string dir = "backend/vbd/9/51712/";
  xs.write(0, {{dir + "frontend-id", "9"},
               {dir + "params", "/dev/vg0/db"},
               {dir + "type", "phy"},
               {dir + "mode", "w"},
               {dir + "dev", "xvda"},
               {dir + "online", "1"},
               {dir + "state", "2"}});
  REQUIRE(h.settle_until([&] { return !vbd_events->empty(); }, kDeadline));
  // Whatever events the watch still delivers, the device never changes again.
  h.settle();
  REQUIRE(vbd_events->size() == 1);
  const XenDevice& vbd = *vbd_events->at(0).new_value;
  CHECK(vbd.state == XenbusState::init_wait);
  CHECK(vbd.online);
  CHECK(vbd.params ==
        std::map<std::string, std::string>{
            {"dev", "xvda"}, {"mode", "w"}, {"params", "/dev/vg0/db"}, {"type", "phy"}});
}

TEST_CASE("a guest's data/ values are in xen.data, and its load in the load monitor") {
  XenStoreFixture xs;
  xs.create_domain(5, "web-1");
  mirari::testing::TempDir dir;
  PluginHarness h;
  h.start(std::make_unique<XenStoreWatcherPlugin>(), {}, "xenstore-watcher");
  h.start(std::make_unique<LoadMonitorPlugin>(),
          {{"socket", (dir.path() / "load.sock").string()}, {"window", std::int64_t{1}}},
          "load-monitor");
  auto data_events = h.record_each<XenDataChange>("xen.data_events");
  auto samples = h.record_each<LoadSample>("load.samples");

  xs.write(5, {{"data/load", "0.75"}, {"data/updated", "Tue 12:00"}});
  REQUIRE(h.settle_until(
      [&] { return h.value<LoadByInstance>("load.by_instance").contains("web-1"); }, kDeadline));
  CHECK(h.value<LoadByInstance>("load.by_instance").at("web-1") == 0.75);
  REQUIRE(!samples->empty());
  CHECK(samples->back().source == LoadSample::Source::xenstore);
  // The two values may be read in one wake-up or two: the last change holds both.
  REQUIRE(!data_events->empty());
  CHECK(data_events->back().new_value->values.at("updated") == "Tue 12:00");

  xs.write(5, "data/load", "0.5");
  REQUIRE(h.settle_until(
      [&] { return h.value<LoadByInstance>("load.by_instance").at("web-1") == 0.5; }, kDeadline));

  // A domain that goes takes its load with it.
  xs.remove(5);
  REQUIRE(h.settle_until(
      [&] { return !h.value<LoadByInstance>("load.by_instance").contains("web-1"); }, kDeadline));
  CHECK(h.value<double>("load.total") == 0.0);
}

TEST_CASE("a watcher the store drops reconnects and reports what changed meanwhile") {
  XenStoreFixture xs;
  xs.create_domain(5, "web-1");
  xs.create_vif(5, 0, "4");
  PluginHarness h;
  h.start(std::make_unique<XenStoreWatcherPlugin>(), kQuickKeepalive);
  auto domain_events = h.record_each<XenDomainChange>("xen.domain_events");
  auto vif_events = h.record_each<XenDeviceChange>("xen.vif_events");

  xs.server().drop_connections();
  xs.reconnect();
  xs.create_domain(6, "web-2");
  xs.write(0, "backend/vif/5/0/state", "6");

  REQUIRE(h.settle_until(
      [&] {
        return h.value<Domains>("xen.domains").contains("6") &&
               h.value<Devices>("xen.vifs").at("5/0").state == XenbusState::closed;
      },
      kDeadline));
  REQUIRE(domain_events->size() == 1);
  CHECK(domain_events->at(0).new_value->name == "web-2");
  REQUIRE(vif_events->size() == 1);
  CHECK(vif_events->at(0).old_value->state == XenbusState::connected);

  // And it follows changes again on the new connection.
  xs.remove(6);
  REQUIRE(h.settle_until([&] { return domain_events->size() == 2; }, kDeadline));
  CHECK(domain_events->at(1).kind == XenChangeKind::removed);
}

TEST_CASE("the store is read once at start and the watch's own first firing reads nothing again") {
  XenStoreFixture xs;
  for (std::uint32_t domid = 1; domid <= 50; ++domid) {
    xs.create_domain(domid, "guest-" + std::to_string(domid));
  }
  auto plugin = std::make_unique<XenStoreWatcherPlugin>();
  const XenStoreWatcherPlugin& watcher = *plugin;
  PluginHarness h;
  h.start(std::move(plugin));
  auto domain_events = h.record_each<XenDomainChange>("xen.domain_events");
  REQUIRE(h.settle_until([&] { return watcher.watcher()->stats().watch_events >= 1; }, kDeadline));
  h.settle();

  CHECK(watcher.watcher()->stats().batches == 0);  // no wake-up read the store again
  CHECK(domain_events->empty());
  CHECK(h.value<Domains>("xen.domains").size() == 50);

  // A write made right after the read is seen, as one batch reading one domain.
  xs.write(7, "name", "renamed");
  REQUIRE(h.settle_until([&] { return domain_events->size() == 1; }, kDeadline));
  CHECK(domain_events->front().new_value->name == "renamed");
  CHECK(watcher.watcher()->stats().batches == 1);
}

TEST_CASE("a quiet watcher notices a dropped store through its keepalive") {
  XenStoreFixture xs;
  xs.create_domain(5, "web-1");
  auto plugin = std::make_unique<XenStoreWatcherPlugin>();
  const XenStoreWatcherPlugin& watcher = *plugin;
  PluginHarness h;
  h.start(std::move(plugin), kQuickKeepalive);
  auto domain_events = h.record_each<XenDomainChange>("xen.domain_events");
  // The event every new watch fires at once has been taken: nothing else will wake it.
  REQUIRE(h.settle_until([&] { return watcher.watcher()->stats().watch_events >= 1; }, kDeadline));

  xs.server().drop_connections();
  REQUIRE(h.settle_until([&] { return watcher.watcher()->stats().reconnects == 1; }, kDeadline));
  CHECK(watcher.watcher()->stats().connected);
  h.settle();
  CHECK(domain_events->empty());
  CHECK(h.value<Domains>("xen.domains").at("5").name == "web-1");
}

TEST_CASE("a missing store fails start, naming the socket, and publishes nothing") {
  XenStoreFixture xs;
  const std::string missing = xs.server().socket_path().string() + ".missing";
  ::setenv("XENSTORED_PATH", missing.c_str(), 1);
  PluginHarness h;
  try {
    h.start(std::make_unique<XenStoreWatcherPlugin>());
    FAIL("start succeeded without a store");
  } catch (const XenStoreError& e) {
    CHECK_THAT(e.what(), Catch::Contains(missing));
  }
  CHECK_FALSE(has_port(h, "xen.domains"));
  CHECK_FALSE(has_port(h, "xen.data"));
}

TEST_CASE("the watcher follows the prefix it is given, and nothing else") {
  XenStoreFixture xs;
  xs.create_domain(5, "web-1");
  xs.toolstack().write(XenStore::kNoTransaction, "/test/domains/8/name", "other");
  PluginHarness h;
  h.start(std::make_unique<XenStoreWatcherPlugin>(), {{"prefix", std::string("/test/domains")}});
  auto domain_events = h.record_each<XenDomainChange>("xen.domain_events");
  CHECK(h.value<Domains>("xen.domains").size() == 1);
  CHECK(h.value<Domains>("xen.domains").at("8").name == "other");

  xs.create_domain(6, "web-2");
  xs.toolstack().write(XenStore::kNoTransaction, "/test/domains/9/name", "other-2");
  REQUIRE(h.settle_until([&] { return !domain_events->empty(); }, kDeadline));
  h.settle();
  REQUIRE(domain_events->size() == 1);
  CHECK(domain_events->at(0).new_value->domid == 9);
}

TEST_CASE("directories that are not domains are ignored") {
  XenStoreFixture xs;
  xs.create_domain(5, "web-1");
  xs.toolstack().write(XenStore::kNoTransaction, "/local/domain/not-a-domain/name", "x");
  PluginHarness h;
  h.start(std::make_unique<XenStoreWatcherPlugin>());
  CHECK(h.value<Domains>("xen.domains").size() == 1);
}

TEST_CASE("a bad XenStore watcher configuration is refused") {
  for (const std::string prefix : {"local/domain", "/local/domain/", "/", "/local//domain"}) {
    PluginHarness h;
    CHECK_THROWS_AS(h.start(std::make_unique<XenStoreWatcherPlugin>(), {{"prefix", prefix}}),
                    mirari::ConfigError);
  }
  PluginHarness zero;
  CHECK_THROWS_AS(
      zero.start(std::make_unique<XenStoreWatcherPlugin>(), {{"keepalive_ms", std::int64_t{0}}}),
      mirari::ConfigError);
}

TEST_CASE("the plugin library exports the XenStore watcher") {
  XenStoreFixture xs;
  xs.create_domain(5, "web-1");
  PluginHarness h;
  h.start_library(MIRARI_XENSTORE_WATCHER_SO);
  CHECK(h.value<Domains>("xen.domains").at("5").name == "web-1");
}

TEST_CASE("a reloaded XenStore watcher reports the domain it missed, once") {
  XenStoreFixture xs;
  PluginHarness h;
  h.start(std::make_unique<XenStoreWatcherPlugin>());
  auto domain_events = h.record_each<XenDomainChange>("xen.domain_events");
  xs.create_domain(5, "web-1");
  h.reload(std::make_unique<XenStoreWatcherPlugin>());
  REQUIRE(h.settle_until([&] { return !domain_events->empty(); }, kDeadline));
  h.settle();
  REQUIRE(domain_events->size() == 1);
  CHECK(domain_events->at(0).new_value->name == "web-1");
  CHECK(h.value<Domains>("xen.domains").at("5").name == "web-1");
}
