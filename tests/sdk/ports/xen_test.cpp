// The catalogue's XenStore types (mirari/ports/xen.hpp): JSON forms that tools read back.
#include <catch2/catch.hpp>

#include "mirari/ports/xen.hpp"

namespace mirari::ports::xen {
namespace {

XenDevice vif() {
  XenDevice d;
  d.kind = XenDevice::Kind::vif;
  d.domid = 5;
  d.devid = 0;
  d.state = XenbusState::connected;
  d.online = true;
  d.params = {{"mac", "00:16:3e:00:00:05"}, {"bridge", "xenbr0"}};
  return d;
}

TEST_CASE("a domain's JSON names every field; what is unset is null") {
  const XenDomain domain{5, "web-1", std::nullopt, 262144};
  CHECK(nlohmann::json(domain) == nlohmann::json::parse(R"({"domid": 5, "name": "web-1",
      "uuid": null, "memory_target_kib": 262144})"));
  CHECK(nlohmann::json(domain).get<XenDomain>() == domain);
}

TEST_CASE("a device's states are xenbus.h's names, and an absent frontend is null") {
  const nlohmann::json j = vif();
  CHECK(j == nlohmann::json::parse(R"({"kind": "vif", "domid": 5, "devid": 0,
      "backend_domid": 0, "state": "Connected", "frontend_state": null, "online": true,
      "params": {"bridge": "xenbr0", "mac": "00:16:3e:00:00:05"}})"));
  XenDevice initialising = vif();
  initialising.frontend_state = XenbusState::init_wait;
  CHECK(nlohmann::json(initialising)["frontend_state"] == "InitWait");
  CHECK(nlohmann::json(initialising).get<XenDevice>() == initialising);
}

TEST_CASE("tables are keyed by their ids' text and changes carry both sides") {
  const Devices vifs{{"5/0", vif()}};
  CHECK(nlohmann::json(vifs).at("5/0").at("kind") == "vif");
  CHECK(nlohmann::json(vifs).get<Devices>() == vifs);

  const XenDataChange change{XenChangeKind::changed, XenData{5, "web-1", {{"load", "0.4"}}},
                             XenData{5, "web-1", {{"load", "0.9"}}}};
  const nlohmann::json j = change;
  CHECK(j.at("kind") == "changed");
  CHECK(j.at("new").at("values").at("load") == "0.9");
  CHECK(j.get<XenDataChange>() == change);
}

}  // namespace
}  // namespace mirari::ports::xen
