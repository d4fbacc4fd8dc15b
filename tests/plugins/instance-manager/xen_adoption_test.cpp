// Which domains a starting xen backend takes over, against canned domain lists: only a
// domain with the recorded name and the recorded UUID is adopted; every other domain is left
// alone, and those named like the group's instances are reported.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "xen_adoption.hpp"
#include "xen_domain_state.hpp"

using mirari::instances::AdoptionPlan;
using mirari::instances::ListedDomain;
using mirari::instances::plan_adoption;
using mirari::instances::RecordedInstance;
using mirari::instances::RecordedState;
using mirari::ports::InstanceSpec;
using mirari::ports::InstanceState;
using mirari::ports::InstanceStatus;
namespace flags = mirari::instances::domain_flags;

namespace {

const std::string kUuid1 = "11111111-1111-4111-8111-111111111111";
const std::string kUuid2 = "22222222-2222-4222-8222-222222222222";
const std::string kUuid3 = "33333333-3333-4333-8333-333333333333";
const std::string kOther = "99999999-9999-4999-8999-999999999999";

RecordedInstance recorded(InstanceState state, std::int64_t domid, std::string uuid) {
  InstanceStatus i("web", state, 1);
  i.backend_id = domid;
  return RecordedInstance{i, InstanceSpec{"web", "/boot/web.xen", {}, {}}, 0, std::move(uuid)};
}

ListedDomain domain(std::uint32_t domid, std::string uuid, std::string name) {
  return ListedDomain{domid, std::move(uuid), std::move(name), flags::running};
}

const ListedDomain kDom0{0, "00000000-0000-0000-0000-000000000000", "Domain-0", flags::running};

}  // namespace

TEST_CASE("a recorded domain with its name and UUID is adopted, whatever its id now") {
  RecordedState state;
  state.instances["web-1"] = recorded(InstanceState::running, 5, kUuid1);
  state.instances["web-2"] = recorded(InstanceState::stopping, 6, kUuid2);
  // web-2 was saved and restored since: same UUID, new id.
  const std::vector<ListedDomain> domains{kDom0, domain(5, kUuid1, "web-1"),
                                          domain(9, kUuid2, "web-2")};
  const AdoptionPlan plan = plan_adoption(state, domains, "web");
  CHECK(plan.adopted.size() == 2);
  CHECK(plan.adopted.at("web-1") == domains[1]);
  CHECK(plan.adopted.at("web-2") == domains[2]);
  CHECK(plan.gone.empty());
  CHECK(plan.strangers.empty());
}

TEST_CASE("UUIDs compare whatever their case") {
  RecordedState state;
  state.instances["web-1"] =
      recorded(InstanceState::running, 5, "AAAAAAAA-1111-4111-8111-111111111111");
  const AdoptionPlan plan =
      plan_adoption(state, {domain(5, "aaaaaaaa-1111-4111-8111-111111111111", "web-1")}, "web");
  CHECK(plan.adopted.count("web-1") == 1);
}

TEST_CASE("a recorded instance whose domain is missing, renamed or replaced is gone") {
  RecordedState state;
  state.instances["web-1"] = recorded(InstanceState::running, 5, kUuid1);
  state.instances["web-2"] = recorded(InstanceState::running, 6, kUuid2);
  state.instances["web-3"] = recorded(InstanceState::starting, 7, kUuid3);
  // web-1 is not listed; web-2's UUID now bears another name; a domain named web-3 has
  // another UUID (another toolstack's, or made after web-3's record was lost).
  const std::vector<ListedDomain> domains{kDom0, domain(6, kUuid2, "db-1"),
                                          domain(7, kOther, "web-3")};
  const AdoptionPlan plan = plan_adoption(state, domains, "web");
  CHECK(plan.adopted.empty());
  CHECK(plan.gone == std::vector<std::string>{"web-1", "web-2", "web-3"});
  // The impostor named like a recorded instance is reported and left alone; db-1 is not the
  // group's business.
  CHECK(plan.strangers == std::vector<ListedDomain>{domains[2]});
}

TEST_CASE("an instance recorded before its domain was created is found by its UUID") {
  RecordedState state;
  state.instances["web-4"] = recorded(InstanceState::starting, 0, kUuid1);
  const AdoptionPlan found = plan_adoption(state, {domain(12, kUuid1, "web-4")}, "web");
  CHECK(found.adopted.at("web-4").domid == 12);
  const AdoptionPlan missing = plan_adoption(state, {kDom0}, "web");
  CHECK(missing.gone == std::vector<std::string>{"web-4"});
}

TEST_CASE("a record without a UUID adopts nothing, even a domain of its name") {
  RecordedState state;
  state.instances["web-1"] = recorded(InstanceState::running, 5, "");
  const std::vector<ListedDomain> domains{domain(5, kUuid1, "web-1")};
  const AdoptionPlan plan = plan_adoption(state, domains, "web");
  CHECK(plan.adopted.empty());
  CHECK(plan.gone == std::vector<std::string>{"web-1"});
  CHECK(plan.strangers == domains);
}

TEST_CASE("exited and failed records are neither adopted nor gone") {
  RecordedState state;
  state.instances["web-1"] = recorded(InstanceState::exited, 5, kUuid1);
  state.instances["web-2"] = recorded(InstanceState::failed, 0, kUuid2);
  const std::vector<ListedDomain> domains{domain(5, kUuid1, "web-1")};
  const AdoptionPlan plan = plan_adoption(state, domains, "web");
  CHECK(plan.adopted.empty());
  CHECK(plan.gone.empty());
  CHECK(plan.strangers == domains);
}

TEST_CASE("domains named GROUP-N but not recorded are strangers; others are not looked at") {
  const std::vector<ListedDomain> domains{
      kDom0,
      domain(3, kUuid1, "web-17"),
      domain(4, kUuid2, "web-x"),
      domain(5, kUuid3, "webby-1"),
      domain(6, kOther, "web-"),
      domain(7, kOther, ""),
  };
  const AdoptionPlan plan = plan_adoption(RecordedState{}, domains, "web");
  CHECK(plan.adopted.empty());
  CHECK(plan.gone.empty());
  CHECK(plan.strangers == std::vector<ListedDomain>{domains[1]});
}
