#include "xen_domain_config.hpp"

#include <algorithm>
#include <stdexcept>

namespace mirari::instances {

namespace {

bool is_control_or_space(char c) {
  const auto u = static_cast<unsigned char>(c);
  return u <= ' ' || u == 0x7f;
}

bool has_control_or_space(std::string_view text) {
  return std::any_of(text.begin(), text.end(), is_control_or_space);
}

bool is_absolute_path(std::string_view path) {
  return !path.empty() && path.front() == '/' && path.find('\0') == std::string_view::npos;
}

}  // namespace

std::string_view to_string(GuestType type) noexcept {
  return type == GuestType::pv ? "pv" : "pvh";
}

bool is_bridge_name(std::string_view name) {
  constexpr std::size_t kMaxInterfaceName = 15;  // IFNAMSIZ less its NUL
  return !name.empty() && name.size() <= kMaxInterfaceName && name != "." && name != ".." &&
         !has_control_or_space(name) && name.find('/') == std::string_view::npos &&
         name.find(':') == std::string_view::npos;
}

std::optional<SpecProblem> settings_problem(const XenSettings& settings) {
  if (settings.memory_mib == 0 || settings.memory_mib > kMaxMemoryMib) {
    return SpecProblem{"xen_memory_mib", "xen_memory_mib must be between 1 and " +
                                             std::to_string(kMaxMemoryMib) + ", not " +
                                             std::to_string(settings.memory_mib)};
  }
  if (settings.vcpus == 0 || settings.vcpus > kMaxVcpus) {
    return SpecProblem{"xen_vcpus", "xen_vcpus must be between 1 and " + std::to_string(kMaxVcpus) +
                                        ", not " + std::to_string(settings.vcpus)};
  }
  if (!settings.ramdisk.empty() && !is_absolute_path(settings.ramdisk)) {
    return SpecProblem{"xen_ramdisk",
                       "xen_ramdisk '" + settings.ramdisk + "' is not an absolute path"};
  }
  if (!settings.bridge.empty() && !is_bridge_name(settings.bridge)) {
    return SpecProblem{"xen_bridge", "xen_bridge '" + settings.bridge +
                                         "' is not an interface name (1 to 15 bytes, no '/', "
                                         "':', space or control character)"};
  }
  return std::nullopt;
}

std::optional<SpecProblem> domain_config_problem(const InstanceSpec& spec,
                                                 const XenSettings& settings) {
  if (auto problem = settings_problem(settings)) return problem;
  if (spec.command.empty()) {
    return SpecProblem{"command", "a domain needs a kernel image: the command is empty"};
  }
  if (!is_absolute_path(spec.command)) {
    return SpecProblem{"command",
                       "the kernel image '" + spec.command + "' is not an absolute path"};
  }
  for (const std::string& arg : spec.args) {
    if (arg.empty() || has_control_or_space(arg)) {
      return SpecProblem{"args", "argument '" + arg +
                                     "' cannot be put on a kernel command line (empty, or "
                                     "holds a space or control character)"};
    }
  }
  if (!spec.env.empty()) {
    return SpecProblem{"env",
                       "a domain has no environment: pass settings as arguments (the kernel "
                       "command line) instead of env"};
  }
  return std::nullopt;
}

XenDomainConfig domain_config(const std::string& name, const std::string& uuid,
                              const InstanceSpec& spec, const XenSettings& settings) {
  if (auto problem = domain_config_problem(spec, settings)) {
    throw std::invalid_argument(problem->message);
  }
  XenDomainConfig config;
  config.name = name;
  config.uuid = uuid;
  config.type = settings.type;
  config.memory_kib = settings.memory_mib * 1024;
  config.vcpus = settings.vcpus;
  config.kernel = spec.command;
  for (const std::string& arg : spec.args) {
    if (!config.cmdline.empty()) config.cmdline += ' ';
    config.cmdline += arg;
  }
  config.ramdisk = settings.ramdisk;
  if (!settings.bridge.empty()) config.bridge = settings.bridge;
  return config;
}

}  // namespace mirari::instances
