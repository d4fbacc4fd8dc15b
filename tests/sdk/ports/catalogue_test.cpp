// The port catalogue as a whole: every stock port keeps the name and stable type name that
// tools and other plugins know it by, and every type in it declares its fields, so that a port
// refuses a redeclaration that differs.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "mirari/ports/arp.hpp"
#include "mirari/ports/block.hpp"
#include "mirari/ports/clock.hpp"
#include "mirari/ports/flows.hpp"
#include "mirari/ports/instances.hpp"
#include "mirari/ports/load.hpp"
#include "mirari/ports/net.hpp"
#include "mirari/ports/routes.hpp"
#include "mirari/ports/scaling.hpp"
#include "mirari/ports/xen.hpp"

namespace mirari::ports {
namespace {

struct Entry {
  std::string port;
  const TypeLayout* type;
};

template <class T>
Entry entry(const char* port) {
  return {port, &type_layout<T>()};
}

std::vector<Entry> catalogue() {
  return {entry<net::Links>(net::kLinks),
          entry<net::LinkEvents>(net::kLinkEvents),
          entry<arp::Neighbours>(arp::kTable),
          entry<arp::NeighbourEvents>(arp::kEvents),
          entry<block::Devices>(block::kDevices),
          entry<block::DeviceEvents>(block::kEvents),
          entry<xen::Domains>(xen::kDomains),
          entry<xen::DomainChanges>(xen::kDomainEvents),
          entry<xen::Devices>(xen::kVifs),
          entry<xen::DeviceChanges>(xen::kVifEvents),
          entry<xen::Devices>(xen::kVbds),
          entry<xen::DeviceChanges>(xen::kVbdEvents),
          entry<xen::DataByDomain>(xen::kData),
          entry<xen::DataChanges>(xen::kDataEvents),
          entry<load::LoadByInstance>(load::kByInstance),
          entry<double>(load::kTotal),
          entry<load::InstanceReports>(load::kReports),
          entry<load::LoadSamples>(load::kSamples),
          entry<std::uint64_t>(load::kRejected),
          entry<InstancesActual>(kInstancesActual),
          entry<ClockMs>(kClock),
          entry<DesiredCount>("scale.web.desired"),
          entry<flows::FlowsDesired>(flows::kFlowsDesired),
          entry<flows::FlowsApplied>(flows::kFlowsApplied),
          entry<routes::RoutesDesired>(routes::kRoutesDesired),
          entry<routes::RoutesApplied>(routes::kRoutesApplied)};
}

TEST_CASE("every stock port keeps its name and stable type name") {
  std::vector<std::string> seen;
  for (const Entry& e : catalogue()) seen.push_back(e.port + " " + e.type->name);
  CHECK(seen == std::vector<std::string>{
                    "net.links table<int32,net.link>",
                    "net.link_events list<net.link_event>",
                    "arp.table table<arp.neighbour_key,arp.neighbour>",
                    "arp.events list<arp.neighbour_event>",
                    "block.devices table<string,block.device>",
                    "block.events list<block.event>",
                    "xen.domains table<string,xen.domain>",
                    "xen.domain_events list<xen.domain_change>",
                    "xen.vifs table<string,xen.device>",
                    "xen.vif_events list<xen.device_change>",
                    "xen.vbds table<string,xen.device>",
                    "xen.vbd_events list<xen.device_change>",
                    "xen.data table<string,xen.data>",
                    "xen.data_events list<xen.data_change>",
                    "load.by_instance table<string,float64>",
                    "load.total float64",
                    "instances.reports table<string,table<string,float64>>",
                    "load.samples list<load.sample>",
                    "load.rejected uint64",
                    "instances.actual table<string,instances.status>",
                    "clock.ms int64",
                    "scale.web.desired int32",
                    "flows.desired table<string,flows.bridge>",
                    "flows.applied table<string,flows.applied_bridge>",
                    "routes.desired table<string,routes.router>",
                    "routes.applied table<string,routes.applied_router>",
                });
}

// The names of the catalogue's own types (named "domain.thing", not containers of them) whose
// layout is known by size alone.
void undeclared(const TypeLayout& type, std::vector<std::string>& out) {
  const bool own =
      type.name.find('.') != std::string::npos && type.name.find('<') == std::string::npos;
  if (own && type.form == TypeLayout::Form::sized) {
    out.push_back(type.name);
  }
  for (const TypeLayout::Field& f : type.fields) undeclared(f.type, out);
  for (const TypeLayout& part : type.parts) undeclared(part, out);
}

TEST_CASE("every type in the catalogue declares its fields or enumerators") {
  std::vector<std::string> by_size_only;
  for (const Entry& e : catalogue()) undeclared(*e.type, by_size_only);
  CHECK(by_size_only == std::vector<std::string>{});

  const TypeLayout& link = type_layout<net::Link>();
  REQUIRE(link.fields.size() == 10);
  CHECK(link.fields[8].name == "speed_mbps");
  CHECK(link.fields[8].type.name == "option<uint32>");
  CHECK(link.fields[7].type.form == TypeLayout::Form::enumerators);
}

}  // namespace
}  // namespace mirari::ports
