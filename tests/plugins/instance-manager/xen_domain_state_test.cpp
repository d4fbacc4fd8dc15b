// What the hypervisor's flags mean for an instance: the decoding of every flag combination
// that matters, and the life-cycle step judge() takes for each (an instance only ever moves
// forward, and a shut-down domain that ends an instance is destroyed).
#include <catch2/catch.hpp>

#include <cstdint>
#include <optional>

#include "xen_domain_state.hpp"

namespace flags = mirari::instances::domain_flags;
namespace code = mirari::instances::shutdown_code;
using mirari::instances::decode_domain_flags;
using mirari::instances::DomainCondition;
using mirari::instances::DomainPhase;
using mirari::instances::DomainVerdict;
using mirari::instances::judge;
using mirari::instances::shutdown_name;
using mirari::ports::InstanceState;
using Kind = DomainVerdict::Kind;

namespace {

std::uint32_t shut_down(int reason) {
  return flags::shutdown | (static_cast<std::uint32_t>(reason) << flags::shutdown_shift);
}

}  // namespace

TEST_CASE("running and blocked domains are alive; no flag at all is alive too") {
  CHECK(decode_domain_flags(flags::running) == DomainCondition{DomainPhase::alive, 0});
  CHECK(decode_domain_flags(flags::blocked) == DomainCondition{DomainPhase::alive, 0});
  CHECK(decode_domain_flags(flags::running | flags::blocked) ==
        DomainCondition{DomainPhase::alive, 0});
  CHECK(decode_domain_flags(0) == DomainCondition{DomainPhase::alive, 0});
}

TEST_CASE("paused wins over running and blocked") {
  CHECK(decode_domain_flags(flags::paused) == DomainCondition{DomainPhase::paused, 0});
  CHECK(decode_domain_flags(flags::paused | flags::blocked) ==
        DomainCondition{DomainPhase::paused, 0});
}

TEST_CASE("shut down carries its reason, for each of Xen's codes and an unknown one") {
  for (const int reason : {code::poweroff, code::reboot, code::suspend, code::crash, code::watchdog,
                           code::soft_reset, 200}) {
    INFO(reason);
    CHECK(decode_domain_flags(shut_down(reason)) ==
          DomainCondition{DomainPhase::shut_down, reason});
    // A shut-down domain is also paused by Xen; shut down wins.
    CHECK(decode_domain_flags(shut_down(reason) | flags::paused) ==
          DomainCondition{DomainPhase::shut_down, reason});
  }
  CHECK(shutdown_name(code::poweroff) == "poweroff");
  CHECK(shutdown_name(code::reboot) == "reboot");
  CHECK(shutdown_name(code::suspend) == "suspend");
  CHECK(shutdown_name(code::crash) == "crash");
  CHECK(shutdown_name(code::watchdog) == "watchdog");
  CHECK(shutdown_name(code::soft_reset) == "soft_reset");
  CHECK(shutdown_name(200) == "code 200");
}

TEST_CASE("dying wins over shut down and paused") {
  CHECK(decode_domain_flags(flags::dying) == DomainCondition{DomainPhase::dying, 0});
  CHECK(decode_domain_flags(flags::dying | shut_down(code::crash) | flags::paused) ==
        DomainCondition{DomainPhase::dying, 0});
}

TEST_CASE("a starting instance runs once its domain has been alive for start_grace") {
  const DomainCondition alive{DomainPhase::alive, 0};
  CHECK(judge(InstanceState::starting, alive, false) == DomainVerdict{});
  CHECK(judge(InstanceState::starting, alive, true) ==
        DomainVerdict{Kind::running, std::nullopt, "", false});
  // A paused domain does not count as running, grace or not.
  CHECK(judge(InstanceState::starting, DomainCondition{DomainPhase::paused, 0}, true) ==
        DomainVerdict{});
}

TEST_CASE("running and stopping instances stay so while their domain lives or is paused") {
  for (const InstanceState s : {InstanceState::running, InstanceState::stopping}) {
    CHECK(judge(s, DomainCondition{DomainPhase::alive, 0}, true) == DomainVerdict{});
    CHECK(judge(s, DomainCondition{DomainPhase::paused, 0}, true) == DomainVerdict{});
  }
}

TEST_CASE("a domain that shuts down while starting fails its instance, and is destroyed") {
  CHECK(judge(InstanceState::starting, DomainCondition{DomainPhase::shut_down, code::crash},
              false) == DomainVerdict{Kind::failed, std::nullopt,
                                      "the domain shut down (crash) while starting", true});
  CHECK(
      judge(InstanceState::starting, DomainCondition{DomainPhase::shut_down, code::poweroff}, true)
          .reason == "the domain shut down (poweroff) while starting");
}

TEST_CASE("a running or stopping instance exits with its domain's shutdown code") {
  for (const InstanceState s : {InstanceState::running, InstanceState::stopping}) {
    for (const int reason :
         {code::poweroff, code::reboot, code::crash, code::watchdog, code::soft_reset}) {
      INFO(reason);
      CHECK(judge(s, DomainCondition{DomainPhase::shut_down, reason}, true) ==
            DomainVerdict{Kind::exited, reason, "", true});
    }
  }
}

TEST_CASE("a domain suspended by a save or migration is left as it is") {
  for (const InstanceState s :
       {InstanceState::starting, InstanceState::running, InstanceState::stopping}) {
    CHECK(judge(s, DomainCondition{DomainPhase::shut_down, code::suspend}, true) ==
          DomainVerdict{});
  }
}

TEST_CASE("a domain that is dying or gone ends its instance without a shutdown code") {
  const DomainCondition dying{DomainPhase::dying, 0};
  CHECK(
      judge(InstanceState::starting, dying, false) ==
      DomainVerdict{Kind::failed, std::nullopt, "the domain was destroyed while starting", false});
  CHECK(judge(InstanceState::starting, std::nullopt, false) ==
        DomainVerdict{Kind::failed, std::nullopt, "the domain went while starting", false});
  for (const InstanceState s : {InstanceState::running, InstanceState::stopping}) {
    CHECK(judge(s, dying, true) == DomainVerdict{Kind::exited, std::nullopt, "", false});
    CHECK(judge(s, std::nullopt, true) == DomainVerdict{Kind::exited, std::nullopt, "", false});
  }
}

TEST_CASE("exited and failed instances never move, whatever the domain does") {
  for (const InstanceState s : {InstanceState::exited, InstanceState::failed}) {
    CHECK(judge(s, std::nullopt, true) == DomainVerdict{});
    CHECK(judge(s, DomainCondition{DomainPhase::alive, 0}, true) == DomainVerdict{});
    CHECK(judge(s, DomainCondition{DomainPhase::shut_down, code::crash}, true) == DomainVerdict{});
  }
}
