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

#include "block_device.hpp"
#include "link.hpp"
#include "load_sample.hpp"
#include "mirari/mirari.hpp"
#include "mirari/ports/clock.hpp"
#include "mirari/ports/instances.hpp"
#include "mirari/ports/load.hpp"
#include "mirari/ports/scaling.hpp"
#include "neighbour.hpp"
#include "xen_objects.hpp"

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
    signal<mirari::net::LinkTable>("net.links");
    event<std::vector<mirari::net::LinkEvent>>("net.link_events");
    signal<mirari::arp::NeighbourTable>("arp.table");
    event<std::vector<mirari::arp::NeighbourEvent>>("arp.events");
    signal<mirari::block::BlockTable>("block.devices");
    event<std::vector<mirari::block::BlockEvent>>("block.events");
    signal<mirari::xen::XenDomains>("xen.domains");
    event<std::vector<mirari::xen::XenDomainChange>>("xen.domain_events");
    signal<mirari::xen::XenDevices>("xen.vifs");
    event<std::vector<mirari::xen::XenDeviceChange>>("xen.vif_events");
    signal<mirari::xen::XenDataTable>("xen.data");
    event<std::vector<mirari::xen::XenDataChange>>("xen.data_events");
    signal<mirari::load::LoadByInstance>("load.by_instance");
    signal<double>("load.total");
    signal<mirari::load::InstanceReports>("instances.reports");
    event<mirari::load::LoadSample>("load.samples");
    signal<std::uint64_t>("load.rejected");
    signal<mirari::ports::ClockMs>(mirari::ports::kClock);
    signal<mirari::ports::InstancesActual>(mirari::ports::kInstancesActual);
    event<std::vector<mirari::ports::InstanceEvent>>(mirari::ports::kInstancesEvents);
    signal<mirari::ports::InstanceSpecs>(mirari::ports::kInstancesDesiredExtra);
    signal<mirari::ports::InstanceConfigs>(mirari::ports::kInstancesConfig);
    signal<mirari::ports::DesiredCount>(mirari::ports::desired_count_port("web"));
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
