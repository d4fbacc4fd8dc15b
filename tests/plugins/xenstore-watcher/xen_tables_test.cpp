// The watcher's tables as made from domain trees, and the changes between two of them.
#include <catch2/catch.hpp>

#include "table_sharing.hpp"
#include "xen_tables.hpp"

using namespace mirari::xen;
using mirari::testing::changed_keys;
using mirari::testing::path_length;
using mirari::testing::unshared_nodes;

namespace {

DomainReads whole(std::uint32_t domid) {
  return {{domid, DomainRead{.whole = true, .objects = {}}}};
}

DomainReads objects(std::uint32_t domid, std::vector<std::string> read) {
  return {{domid, DomainRead{.whole = false, .objects = std::move(read)}}};
}

// Dom0 with the backends of a vif and a vbd for each of guests 1..count, as a toolstack
// writes them, and the guests with their frontends.
DomainTrees fleet(std::uint32_t count) {
  DomainTrees trees;
  DomainTree& dom0 = trees[0];
  dom0["name"] = "Domain-0";
  for (std::uint32_t domid = 1; domid <= count; ++domid) {
    const std::string id = std::to_string(domid);
    const std::string vif = "backend/vif/" + id + "/0";
    const std::string vbd = "backend/vbd/" + id + "/51712";
    dom0[vif] = "";
    dom0[vif + "/frontend-id"] = id;
    dom0[vif + "/mac"] = "00:16:3e:00:00:" + id;
    dom0[vif + "/state"] = "4";
    dom0[vbd] = "";
    dom0[vbd + "/frontend-id"] = id;
    dom0[vbd + "/params"] = "/images/guest-" + id + ".img";
    dom0[vbd + "/state"] = "4";
    trees[domid] = {{"name", "guest-" + id},  {"data/load", "0.5"},
                    {"device/vif/0", ""},     {"device/vif/0/state", "4"},
                    {"device/vbd/51712", ""}, {"device/vbd/51712/state", "4"}};
  }
  return trees;
}

// Dom0 holds the backends of domain 5's network and disk devices.
DomainTrees host_with_guest() {
  DomainTrees trees;
  trees[0] = {{"name", "Domain-0"},
              {"backend/vif", ""},
              {"backend/vif/5", ""},
              {"backend/vif/5/0", ""},
              {"backend/vif/5/0/frontend", "/local/domain/5/device/vif/0"},
              {"backend/vif/5/0/frontend-id", "5"},
              {"backend/vif/5/0/mac", "00:16:3e:00:00:05"},
              {"backend/vif/5/0/bridge", "xenbr0"},
              {"backend/vif/5/0/online", "1"},
              {"backend/vif/5/0/state", "4"},
              {"backend/vbd/5/51712", ""},
              {"backend/vbd/5/51712/params", "/images/web.img"},
              {"backend/vbd/5/51712/mode", "w"},
              {"backend/vbd/5/51712/state", "2"}};
  trees[5] = {{"name", "web-1"},
              {"vm", "/vm/6f1c2d3e-0000-4000-8000-000000000005"},
              {"memory/target", "262144"},
              {"data", ""},
              {"data/load", "0.42"},
              {"data/meminfo", ""},
              {"data/meminfo/free", "1000"},
              {"device/vif/0", ""},
              {"device/vif/0/state", "4"}};
  return trees;
}

}  // namespace

TEST_CASE("domains are listed with their name, uuid and memory target") {
  const XenTables tables = make_tables(host_with_guest());
  REQUIRE(tables.domains.size() == 2);
  const XenDomain& guest = tables.domains.at("5");
  CHECK(guest.domid == 5);
  CHECK(guest.name == "web-1");
  CHECK(guest.uuid == "6f1c2d3e-0000-4000-8000-000000000005");
  CHECK(guest.memory_target_kib == 262144u);
  const XenDomain& dom0 = tables.domains.at("0");
  CHECK(dom0.name == "Domain-0");
  CHECK_FALSE(dom0.uuid);
  CHECK_FALSE(dom0.memory_target_kib);
}

TEST_CASE("a vif joins its backend's keys and its frontend's state") {
  const XenTables tables = make_tables(host_with_guest());
  REQUIRE(tables.vifs.size() == 1);
  const XenDevice& vif = tables.vifs.at("5/0");
  CHECK(vif.kind == XenDevice::Kind::vif);
  CHECK(vif.domid == 5);
  CHECK(vif.devid == 0);
  CHECK(vif.backend_domid == 0);
  CHECK(vif.state == XenbusState::connected);
  CHECK(vif.frontend_state == XenbusState::connected);
  CHECK(vif.online);
  CHECK(vif.params ==
        std::map<std::string, std::string>{{"bridge", "xenbr0"}, {"mac", "00:16:3e:00:00:05"}});
}

TEST_CASE("a vbd whose frontend has no directory yet has no frontend state") {
  const XenTables tables = make_tables(host_with_guest());
  REQUIRE(tables.vbds.size() == 1);
  const XenDevice& vbd = tables.vbds.at("5/51712");
  CHECK(vbd.kind == XenDevice::Kind::vbd);
  CHECK(vbd.state == XenbusState::init_wait);
  CHECK_FALSE(vbd.frontend_state);
  CHECK_FALSE(vbd.online);
  CHECK(vbd.params.at("params") == "/images/web.img");
}

TEST_CASE("data lists the leaves under data/, by their path below it") {
  const XenTables tables = make_tables(host_with_guest());
  REQUIRE(tables.data.size() == 1);
  const XenData& data = tables.data.at("5");
  CHECK(data.name == "web-1");
  CHECK(data.values ==
        std::map<std::string, std::string>{{"load", "0.42"}, {"meminfo/free", "1000"}});
}

TEST_CASE("unreadable states and numbers read as unknown or absent") {
  DomainTrees trees;
  trees[3] = {{"memory/target", "lots"}, {"backend/vif/4/1/state", "nine"}, {"vm", "/vm/"}};
  const XenTables tables = make_tables(trees);
  CHECK_FALSE(tables.domains.at("3").memory_target_kib);
  CHECK_FALSE(tables.domains.at("3").uuid);
  CHECK(tables.vifs.at("4/1").state == XenbusState::unknown);
  CHECK(parse_xenbus_state("6") == XenbusState::closed);
  CHECK(parse_xenbus_state("9") == XenbusState::unknown);
  CHECK(parse_xenbus_state("") == XenbusState::unknown);
}

TEST_CASE("a state change is one changed event with both states and a removal empties all") {
  DomainTrees trees = host_with_guest();
  const XenTables before = make_tables(trees);
  trees[0]["backend/vif/5/0/state"] = "6";
  XenChanges changes;
  diff(before, make_tables(trees), changes);
  REQUIRE(changes.vifs.size() == 1);
  CHECK(changes.vifs[0].kind == XenChangeKind::changed);
  CHECK(changes.vifs[0].old_value->state == XenbusState::connected);
  CHECK(changes.vifs[0].new_value->state == XenbusState::closed);
  CHECK(changes.domains.empty());
  CHECK(changes.vbds.empty());
  CHECK(changes.data.empty());

  XenChanges gone;
  diff(before, make_tables({}), gone);
  CHECK(gone.domains.size() == 2);
  CHECK(gone.vifs.size() == 1);
  CHECK(gone.vbds.size() == 1);
  REQUIRE(gone.data.size() == 1);
  CHECK(gone.data[0].kind == XenChangeKind::removed);
  CHECK(gone.data[0].old_value->values.at("load") == "0.42");
}

TEST_CASE("the tables and their changes keep their JSON form") {
  const XenTables tables = make_tables(host_with_guest());
  const nlohmann::json j = tables;
  CHECK(j["vifs"]["5/0"]["state"] == "Connected");
  CHECK(j["vbds"]["5/51712"]["frontend_state"].is_null());
  CHECK(j["domains"]["5"]["memory_target_kib"] == 262144);
  CHECK(j.get<XenTables>() == tables);

  XenChanges changes;
  diff({}, tables, changes);
  const nlohmann::json change = changes.data.at(0);
  CHECK(change["kind"] == "added");
  CHECK(change["old"].is_null());
  CHECK(change["new"]["values"]["load"] == "0.42");
  CHECK(change.get<XenDataChange>() == changes.data.at(0));
}

TEST_CASE("updating the tables of the domains read again equals making them anew") {
  DomainTrees trees = host_with_guest();
  XenTables tables = make_tables(trees);

  // The frontend's domain changes alone: the vif, whose backend is in dom0, follows.
  trees[5]["device/vif/0/state"] = "6";
  trees[5]["data/load"] = "0.9";
  XenChanges changes;
  update_tables(tables, trees, whole(5), changes);
  CHECK(tables == make_tables(trees));
  REQUIRE(changes.vifs.size() == 1);
  CHECK(changes.vifs[0].new_value->frontend_state == XenbusState::closed);
  REQUIRE(changes.data.size() == 1);
  CHECK(changes.data[0].new_value->values.at("load") == "0.9");
  CHECK(changes.domains.empty());
  CHECK(changes.vbds.empty());

  // The guest goes: its records and the devices it fronts (their backends stay in dom0).
  trees.erase(5);
  XenChanges gone;
  update_tables(tables, trees, whole(5), gone);
  CHECK(tables == make_tables(trees));
  REQUIRE(gone.domains.size() == 1);
  CHECK(gone.domains[0].kind == XenChangeKind::removed);
  REQUIRE(gone.vifs.size() == 1);
  CHECK(gone.vifs[0].kind == XenChangeKind::changed);
  CHECK_FALSE(gone.vifs[0].new_value->frontend_state);

  // The backend domain's devices go with their directories.
  trees[0].erase("backend/vbd/5/51712");
  trees[0].erase("backend/vbd/5/51712/params");
  trees[0].erase("backend/vbd/5/51712/mode");
  trees[0].erase("backend/vbd/5/51712/state");
  XenChanges unplugged;
  update_tables(tables, trees, whole(0), unplugged);
  CHECK(tables == make_tables(trees));
  REQUIRE(unplugged.vbds.size() == 1);
  CHECK(unplugged.vbds[0].kind == XenChangeKind::removed);
  CHECK(unplugged.vifs.empty());
}

TEST_CASE("a device directory read again in dom0 makes that device again, and copies one path") {
  DomainTrees trees = fleet(500);
  XenTables tables = make_tables(trees);
  const XenTables before = tables;

  trees[0]["backend/vif/7/0/state"] = "5";
  XenChanges changes;
  update_tables(tables, trees, objects(0, {"backend/vif/7/0"}), changes);
  CHECK(tables == make_tables(trees));
  REQUIRE(changes.vifs.size() == 1);
  CHECK(changes.vifs[0].kind == XenChangeKind::changed);
  CHECK(changes.vifs[0].old_value->state == XenbusState::connected);
  CHECK(changes.vifs[0].new_value->state == XenbusState::closing);
  CHECK(changes.vifs[0].new_value->frontend_state == XenbusState::connected);
  CHECK(changes.vbds.empty());
  CHECK(changes.domains.empty());
  CHECK(changes.data.empty());
  CHECK(changed_keys(before.vifs, tables.vifs) == std::vector<std::string>{"7/0"});
  CHECK(unshared_nodes(before.vifs, tables.vifs) <= path_length(tables.vifs, std::string("7/0")));
  CHECK(unshared_nodes(before.vbds, tables.vbds) == 0);
  CHECK(unshared_nodes(before.domains, tables.domains) == 0);
}

TEST_CASE("device directories read again in dom0 add and remove their devices") {
  DomainTrees trees = fleet(20);
  XenTables tables = make_tables(trees);

  // Guest 21's vif appears in dom0 before its domain does; guest 3's vbd is unplugged.
  trees[0]["backend/vif/21/0"] = "";
  trees[0]["backend/vif/21/0/state"] = "1";
  for (const char* key : {"", "/frontend-id", "/params", "/state"}) {
    trees[0].erase(std::string("backend/vbd/3/51712") + key);
  }
  XenChanges changes;
  update_tables(tables, trees, objects(0, {"backend/vif/21/0", "backend/vbd/3/51712"}), changes);
  CHECK(tables == make_tables(trees));
  REQUIRE(changes.vifs.size() == 1);
  CHECK(changes.vifs[0].kind == XenChangeKind::added);
  CHECK(changes.vifs[0].new_value->state == XenbusState::initialising);
  CHECK_FALSE(changes.vifs[0].new_value->frontend_state);
  REQUIRE(changes.vbds.size() == 1);
  CHECK(changes.vbds[0].kind == XenChangeKind::removed);
  CHECK(changes.vbds[0].old_value->domid == 3);
}

TEST_CASE("a frontend directory read again changes only its device's frontend state") {
  DomainTrees trees = fleet(20);
  XenTables tables = make_tables(trees);
  trees[9]["device/vbd/51712/state"] = "6";
  trees[9]["device/vif/0/state"] = "5";
  XenChanges changes;
  update_tables(tables, trees, objects(9, {"device/vbd/51712"}), changes);
  REQUIRE(changes.vbds.size() == 1);
  CHECK(changes.vbds[0].new_value->frontend_state == XenbusState::closed);
  CHECK(changes.vbds[0].new_value->state == XenbusState::connected);
  // The vif's directory was not read again: its change is not seen yet.
  CHECK(changes.vifs.empty());
  CHECK(tables.vifs.at("9/0").frontend_state == XenbusState::connected);

  XenChanges rest;
  update_tables(tables, trees, objects(9, {"device/vif/0"}), rest);
  CHECK(tables == make_tables(trees));
  REQUIRE(rest.vifs.size() == 1);
  CHECK(rest.vifs[0].new_value->frontend_state == XenbusState::closing);
}

TEST_CASE("directories read again above the devices make again all the devices below them") {
  DomainTrees trees = fleet(30);
  XenTables tables = make_tables(trees);
  for (const char* device : {"backend/vif/4/0/state", "backend/vif/12/0/state"}) {
    trees[0][device] = "6";
  }
  trees[0]["backend/vbd/4/51712/state"] = "6";
  trees[0]["backend/vbd/4/51713"] = "";
  XenChanges changes;
  update_tables(tables, trees, objects(0, {"backend/vif", "backend/vbd/4"}), changes);
  CHECK(tables == make_tables(trees));
  CHECK(changes.vifs.size() == 2);
  CHECK(changes.vbds.size() == 2);

  trees[0]["backend/vif/5/0/state"] = "5";
  trees[6]["device/vif/0/state"] = "6";
  XenChanges more;
  update_tables(tables, trees,
                {{0, DomainRead{false, {"backend"}}}, {6, DomainRead{false, {"device"}}}}, more);
  CHECK(tables == make_tables(trees));
  CHECK(more.vifs.size() == 2);
  CHECK(more.vbds.empty());
}
