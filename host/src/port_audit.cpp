#include "port_audit.hpp"

namespace mirari::host {

PortAudit::PortAudit(Graph& graph) : graph_(graph) {
  using Use = detail::GraphInternals::PortUse;
  detail::internals(graph_).set_port_use_listener(
      [this](OwnerId owner, const std::string& port, Use use) {
        heard(owner, port,
              use == Use::publishes ? PortDirection::publishes : PortDirection::subscribes);
      });
}

PortAudit::~PortAudit() {
  detail::internals(graph_).set_port_use_listener(nullptr);
}

void PortAudit::enroll(OwnerId owner, std::string instance, std::vector<PortDecl> declared,
                       Config config, spdlog::logger& log) {
  enrolled_.insert_or_assign(
      owner, Enrolled{std::move(instance), std::move(declared), std::move(config), &log, {}});
}

void PortAudit::withdraw(OwnerId owner) noexcept {
  enrolled_.erase(owner);
}

void PortAudit::heard(OwnerId owner, const std::string& port, PortDirection direction) {
  auto it = enrolled_.find(owner);
  if (it == enrolled_.end()) return;  // the daemon's own owners: watches, stand-ins
  Enrolled& e = it->second;
  if (!e.used.emplace(port, direction).second) return;
  if (find_port(e.declared, port, e.config, direction) != nullptr) return;
  try {
    e.log->warn(
        "instance '{}' {} port '{}', which its plugin does not declare (a PortDecl in its "
        "static ports())",
        e.instance, to_string(direction), port);
  } catch (...) {
    // A warning that cannot be written must not fail the plugin's subscribe or publish.
  }
}

std::string PortAudit::meaning(const std::string& port, const std::string& publisher) const {
  for (const auto& [owner, e] : enrolled_) {
    if (e.instance != publisher) continue;
    if (const PortDecl* d = find_port(e.declared, port, e.config, PortDirection::publishes)) {
      return d->meaning;
    }
  }
  for (const auto& [owner, e] : enrolled_) {
    if (!e.used.contains({port, PortDirection::subscribes})) continue;
    if (const PortDecl* d = find_port(e.declared, port, e.config)) return d->meaning;
  }
  return {};
}

}  // namespace mirari::host
