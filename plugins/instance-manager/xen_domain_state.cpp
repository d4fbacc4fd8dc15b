#include "xen_domain_state.hpp"

namespace mirari::instances {

DomainCondition decode_domain_flags(std::uint32_t flags) {
  if ((flags & domain_flags::dying) != 0) return {DomainPhase::dying, 0};
  if ((flags & domain_flags::shutdown) != 0) {
    const auto code =
        static_cast<int>((flags >> domain_flags::shutdown_shift) & domain_flags::shutdown_mask);
    return {DomainPhase::shut_down, code};
  }
  if ((flags & domain_flags::paused) != 0) return {DomainPhase::paused, 0};
  return {DomainPhase::alive, 0};
}

std::string shutdown_name(int code) {
  switch (code) {
    case shutdown_code::poweroff:
      return "poweroff";
    case shutdown_code::reboot:
      return "reboot";
    case shutdown_code::suspend:
      return "suspend";
    case shutdown_code::crash:
      return "crash";
    case shutdown_code::watchdog:
      return "watchdog";
    case shutdown_code::soft_reset:
      return "soft_reset";
    default:
      return "code " + std::to_string(code);
  }
}

DomainVerdict judge(InstanceState state, const std::optional<DomainCondition>& seen,
                    bool grace_over) {
  using Kind = DomainVerdict::Kind;
  const bool starting = state == InstanceState::starting;
  if (!starting && state != InstanceState::running && state != InstanceState::stopping) {
    return {};
  }
  if (!seen) {
    if (starting) return {Kind::failed, std::nullopt, "the domain went while starting", false};
    return {Kind::exited, std::nullopt, "", false};
  }
  switch (seen->phase) {
    case DomainPhase::alive:
      if (starting && grace_over) return {Kind::running, std::nullopt, "", false};
      return {};
    case DomainPhase::paused:
      return {};
    case DomainPhase::dying:
      if (starting) {
        return {Kind::failed, std::nullopt, "the domain was destroyed while starting", false};
      }
      return {Kind::exited, std::nullopt, "", false};
    case DomainPhase::shut_down:
      if (seen->shutdown_code == shutdown_code::suspend) return {};
      if (starting) {
        return {Kind::failed, std::nullopt,
                "the domain shut down (" + shutdown_name(seen->shutdown_code) + ") while starting",
                true};
      }
      return {Kind::exited, seen->shutdown_code, "", true};
  }
  return {};
}

}  // namespace mirari::instances
