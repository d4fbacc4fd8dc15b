#include "frr_backend.hpp"

#include <sys/stat.h>

#include <chrono>
#include <stdexcept>

#include "running_config.hpp"
#include "vtysh_commands.hpp"

namespace mirari::routes {

namespace {
constexpr std::chrono::seconds kVtyshTimeout{10};
constexpr const char* kNetnsDirectory = "/var/run/netns";
}  // namespace

FrrBackend::FrrBackend(const RouterOptions& options)
    : name_(options.name),
      netns_(options.netns),
      pathspace_(options.pathspace),
      configured_asn_(options.asn),
      marks_{options.tag, options.route_map} {}

std::string FrrBackend::vtysh(const std::vector<std::string>& commands) const {
  // FRR runs in the namespace; one that is gone has taken the router's kernel table with
  // it, whatever its daemons still answer.
  if (!netns_.empty()) {
    struct stat st {};
    const std::string path = std::string(kNetnsDirectory) + "/" + netns_;
    if (::stat(path.c_str(), &st) != 0) {
      throw std::runtime_error("router " + name_ + ": network namespace '" + netns_ + "' (" + path +
                               "): no such namespace");
    }
  }
  std::vector<std::string> argv{"vtysh"};
  if (!pathspace_.empty()) argv.insert(argv.end(), {"-N", pathspace_});
  for (const std::string& c : commands) argv.insert(argv.end(), {"-c", c});
  CommandOutput out = run_program(argv, kVtyshTimeout);
  if (out.status != 0) {
    while (!out.output.empty() && (out.output.back() == '\n' || out.output.back() == ' ')) {
      out.output.pop_back();
    }
    std::string command = "vtysh";
    if (!pathspace_.empty()) command += " -N " + pathspace_;
    throw std::runtime_error("router " + name_ + ": " + command + " failed (status " +
                             std::to_string(out.status) + "): " + out.output);
  }
  return out.output;
}

ports::routes::RouterRoutes FrrBackend::read(const ports::routes::RouterRoutes&) {
  FrrConfig config = parse_running_config(vtysh({"show running-config"}), marks_);
  running_asn_ = config.asn.value_or(0);
  return std::move(config.held);
}

void FrrBackend::apply(const ports::routes::RouterRoutes& held,
                       const ports::routes::RouterRoutes& wanted) {
  const RouteChanges changes = diff(held, wanted);
  const std::uint32_t asn = configured_asn_ != 0 ? configured_asn_ : running_asn_;
  if ((!changes.announce.empty() || !changes.withdraw.empty()) && asn == 0) {
    throw std::runtime_error("router " + name_ +
                             ": announce needs a BGP instance: the running configuration has "
                             "no `router bgp` and the router's asn is not configured");
  }
  const std::vector<std::string> commands = vtysh_commands(changes, marks_, asn);
  if (!commands.empty()) vtysh(commands);
}

}  // namespace mirari::routes
