// What the hypervisor's view of a domain means for its instance, with no libxen call (tested
// against canned flags; xen_toolstack.cpp reads the flags with xc_domain_getinfolist).
//
// A domain is dying (being destroyed), shut down (with the reason the guest or Xen gave), or
// else paused or alive (running or blocked: a blocked vCPU is an idle guest, not a stuck one).
// Dying wins over shut down, shut down over paused.
//
// Invariant: judge() moves an instance only along the backend's life cycle — starting to
// running, failed or exited; running or stopping to exited — and never out of exited or
// failed; a domain it calls ended and that still exists shut down is marked to be destroyed
// (Xen keeps a shut-down domain, and its memory, until the toolstack destroys it).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "instance_types.hpp"

namespace mirari::instances {

// Bits of xen_domctl_getdomaininfo.flags (xen/domctl.h: XEN_DOMINF_*), repeated so that this
// file builds without Xen's headers; xen_toolstack.cpp checks that they agree.
namespace domain_flags {
inline constexpr std::uint32_t dying = 1U << 0;
inline constexpr std::uint32_t shutdown = 1U << 2;
inline constexpr std::uint32_t paused = 1U << 3;
inline constexpr std::uint32_t blocked = 1U << 4;
inline constexpr std::uint32_t running = 1U << 5;
inline constexpr unsigned shutdown_shift = 16;
inline constexpr std::uint32_t shutdown_mask = 255;
}  // namespace domain_flags

// Xen's shutdown codes (xen/sched.h: SHUTDOWN_*).
namespace shutdown_code {
inline constexpr int poweroff = 0;
inline constexpr int reboot = 1;
inline constexpr int suspend = 2;
inline constexpr int crash = 3;
inline constexpr int watchdog = 4;
inline constexpr int soft_reset = 5;
}  // namespace shutdown_code

enum class DomainPhase { alive, paused, shut_down, dying };

struct DomainCondition {
  DomainPhase phase = DomainPhase::alive;
  int shutdown_code = 0;  // shut_down: why
  friend bool operator==(const DomainCondition&, const DomainCondition&) = default;
};

DomainCondition decode_domain_flags(std::uint32_t flags);

// "poweroff", "reboot", "suspend", "crash", "watchdog", "soft_reset"; "code N" for others.
std::string shutdown_name(int code);

struct DomainVerdict {
  enum class Kind {
    unchanged,
    running,  // a starting instance counts as running
    failed,   // a starting instance's domain ended or went: reason says how
    exited,   // a running or stopping instance's domain ended or went: status says how
  };
  Kind kind = Kind::unchanged;
  std::optional<int> status;  // exited: the shutdown code; none when the domain just went
  std::string reason;         // failed: one sentence
  bool destroy = false;       // the domain still exists, shut down: destroy it
  friend bool operator==(const DomainVerdict&, const DomainVerdict&) = default;
};

// What becomes of an instance in state whose domain is seen as seen (none: no domain with
// its UUID is listed). grace_over: the instance has been starting for start_grace. A domain
// shut down for suspend is left as it is (a save or migration by another toolstack is under
// way; if it moves away, it is gone at the next look).
DomainVerdict judge(InstanceState state, const std::optional<DomainCondition>& seen,
                    bool grace_over);

}  // namespace mirari::instances
