// Writing a port's value as JSON text (Graph::write_port_json, what `mirarictl set` and
// `emit` do) for each stock port type (the SDK's port catalogue and the stock watchers'
// tables and events): the first byte picks the port, the rest is the text.
// A PortError is the answer to a text that is not a value of the port's type; anything else
// escaping, or a tick that fails on a value the port took, is a finding.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "mirari/mirari.hpp"
#include "mirari/ports/arp.hpp"
#include "mirari/ports/block.hpp"
#include "mirari/ports/clock.hpp"
#include "mirari/ports/instances.hpp"
#include "mirari/ports/load.hpp"
#include "mirari/ports/net.hpp"
#include "mirari/ports/scaling.hpp"
#include "mirari/ports/xen.hpp"

namespace {

struct Ports {
  mirari::Graph graph;
  std::vector<std::string> names;

  template <class T>
  void signal(const std::string& name) {
    graph.publish(name, graph.source<T>(T{}).signal());
    names.push_back(name);
  }
  template <class T>
  void event(const std::string& name) {
    graph.publish(name, graph.event_source<T>().event());
    names.push_back(name);
  }

  Ports() {
    namespace ports = mirari::ports;
    signal<ports::net::Links>(ports::net::kLinks);
    event<ports::net::LinkEvents>(ports::net::kLinkEvents);
    signal<ports::arp::Neighbours>(ports::arp::kTable);
    event<ports::arp::NeighbourEvents>(ports::arp::kEvents);
    signal<ports::block::Devices>(ports::block::kDevices);
    event<ports::block::DeviceEvents>(ports::block::kEvents);
    signal<ports::xen::Domains>(ports::xen::kDomains);
    event<ports::xen::DomainChanges>(ports::xen::kDomainEvents);
    signal<ports::xen::Devices>(ports::xen::kVifs);
    event<ports::xen::DeviceChanges>(ports::xen::kVifEvents);
    signal<ports::xen::DataByDomain>(ports::xen::kData);
    event<ports::xen::DataChanges>(ports::xen::kDataEvents);
    signal<ports::load::LoadByInstance>(ports::load::kByInstance);
    signal<double>(ports::load::kTotal);
    signal<ports::load::InstanceReports>(ports::load::kReports);
    event<ports::load::LoadSamples>(ports::load::kSamples);
    signal<std::uint64_t>(ports::load::kRejected);
    signal<ports::ClockMs>(ports::kClock);
    signal<ports::InstancesActual>(ports::kInstancesActual);
    event<std::vector<ports::InstanceEvent>>(ports::kInstancesEvents);
    signal<ports::InstanceSpecs>(ports::kInstancesDesiredExtra);
    signal<ports::InstanceConfigs>(ports::kInstancesConfig);
    signal<ports::DesiredCount>(ports::desired_count_port("web"));
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static Ports ports;
  if (size == 0) return 0;
  const std::string& port = ports.names[data[0] % ports.names.size()];
  const std::string text(reinterpret_cast<const char*>(data + 1), size - 1);
  try {
    ports.graph.write_port_json(port, text);
  } catch (const mirari::PortError&) {
    return 0;
  }
  const mirari::TickResult result = ports.graph.run_until_idle();
  if (!result.errors.empty()) std::abort();
  for (const mirari::PortInfo& info : ports.graph.ports()) {
    if (!info.event) (void)ports.graph.port_json(info.name);
  }
  return 0;
}
