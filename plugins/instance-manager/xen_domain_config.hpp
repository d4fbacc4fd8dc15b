// The domain the xen backend creates for an instance: everything libxl needs, worked out
// from the instance's spec and the group's Xen settings, with no libxen call (so it is tested
// against canned data; xen_toolstack.cpp copies it into a libxl_domain_config).
//
// From the spec: the kernel image is spec.command, its command line spec.args joined by
// single spaces. spec.env has no place in a domain and is refused, rather than dropped.
// From the group's settings (XenSettings): memory, vCPUs, the guest type, an optional
// ramdisk, and an optional bridge the domain's one vif is attached to.
//
// Invariant: domain_config() only ever returns a config libxl can be given as it stands —
// every refusal is found by domain_config_problem() first.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "instance_types.hpp"
#include "spec_rules.hpp"

namespace mirari::instances {

enum class GuestType { pvh, pv };
std::string_view to_string(GuestType type) noexcept;

// The Xen settings of a group (manager_options.hpp: the xen_* keys).
struct XenSettings {
  std::uint64_t memory_mib = 128;
  std::uint32_t vcpus = 1;
  GuestType type = GuestType::pvh;
  std::string ramdisk;  // absolute path; empty: none
  std::string bridge;   // host bridge of the domain's vif; empty: no vif
  friend bool operator==(const XenSettings&, const XenSettings&) = default;
};

inline constexpr std::uint64_t kMaxMemoryMib = 1024 * 1024;  // 1 TiB
inline constexpr std::uint32_t kMaxVcpus = 128;

struct XenDomainConfig {
  std::string name;  // the instance's name
  std::string uuid;  // given by the backend, recorded before the domain is created
  GuestType type = GuestType::pvh;
  std::uint64_t memory_kib = 0;  // both the maximum and the target
  std::uint32_t vcpus = 1;       // all of them online
  std::string kernel;
  std::string cmdline;
  std::string ramdisk;                // empty: none
  std::optional<std::string> bridge;  // the one vif's bridge; none: no vif
  friend bool operator==(const XenDomainConfig&, const XenDomainConfig&) = default;
};

// A Linux interface name: 1 to 15 bytes, none of them '/', ':', whitespace or a control
// character, and not "." or "..".
bool is_bridge_name(std::string_view name);

// Why settings cannot make a domain: memory 0 or above kMaxMemoryMib, vCPUs 0 or above
// kMaxVcpus, a ramdisk that is not an absolute path, a bridge that is not an interface
// name. field is the configuration key (xen_memory_mib, xen_vcpus, xen_ramdisk, xen_bridge).
std::optional<SpecProblem> settings_problem(const XenSettings& settings);

// Why spec cannot become a domain with settings: those of settings_problem(), then a missing
// or relative kernel (field "command"), an argument holding whitespace or a control
// character (the kernel command line cannot quote it; "args"), any env entry ("env").
std::optional<SpecProblem> domain_config_problem(const InstanceSpec& spec,
                                                 const XenSettings& settings);

// The domain for instance name with uuid. Throws std::invalid_argument with the problem's
// message when domain_config_problem() finds one.
XenDomainConfig domain_config(const std::string& name, const std::string& uuid,
                              const InstanceSpec& spec, const XenSettings& settings);

}  // namespace mirari::instances
