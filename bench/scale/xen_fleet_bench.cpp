// XenStore domains: n guests, each with a vif and a vbd (backends in dom0, as a toolstack
// makes them) and a data/load value, written straight into the XenStore-protocol server of
// tools/xenstored. Measured: the XenStore watcher's initial sync, the memory it holds per
// domain, and one guest's data/load write to the committed tick of xen.data that shows it;
// then, under the prefix backend_, one vif's backend state (in dom0's directory, beside the
// fleet's other backends) set between Connected and Closing, to the committed tick of
// xen.vifs. No root needed. Counters: see fleet_figures.hpp.
#include <benchmark/benchmark.h>

#include <chrono>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "fleet_figures.hpp"
#include "latency.hpp"
#include "local_xenstored.hpp"
#include "process_usage.hpp"
#include "seen.hpp"
#include "xenstore.hpp"
#include "xenstore_pipeline.hpp"

namespace {

using mirari::bench::FleetFigures;
using mirari::bench::now_ns;
using mirari::xen::XenStore;
namespace xen = mirari::xen;

constexpr int kChanges = 1000;
constexpr int kBackendChanges = 200;
constexpr int kWarmUpChanges = 10;
constexpr std::chrono::seconds kTimeout{10};

using Nodes = std::vector<std::pair<std::string, std::string>>;

std::string hex_byte(int value) {
  static constexpr char kDigits[] = "0123456789abcdef";
  return {kDigits[(value >> 4) & 15], kDigits[value & 15]};
}

// Domain domid's nodes, and those of its two devices' backends in dom0.
void add_domain(Nodes& nodes, int domid) {
  const std::string id = std::to_string(domid);
  const std::string dom = "/local/domain/" + id;
  const std::string vif_back = "/local/domain/0/backend/vif/" + id + "/0";
  const std::string vbd_back = "/local/domain/0/backend/vbd/" + id + "/51712";
  const std::string mac =
      "00:16:3e:" + hex_byte(domid >> 16) + ":" + hex_byte(domid >> 8) + ":" + hex_byte(domid);
  const Nodes domain = {
      {dom + "/name", "guest-" + id},
      {dom + "/vm", "/vm/00000000-0000-4000-8000-" + std::string(12 - id.size(), '0') + id},
      {dom + "/memory/target", "262144"},
      {dom + "/device/vif/0/backend", vif_back},
      {dom + "/device/vif/0/backend-id", "0"},
      {dom + "/device/vif/0/mac", mac},
      {dom + "/device/vif/0/state", "4"},
      {dom + "/device/vbd/51712/backend", vbd_back},
      {dom + "/device/vbd/51712/backend-id", "0"},
      {dom + "/device/vbd/51712/virtual-device", "51712"},
      {dom + "/device/vbd/51712/state", "4"},
      {dom + "/data/load", "0"},
      {vif_back + "/frontend", dom + "/device/vif/0"},
      {vif_back + "/frontend-id", id},
      {vif_back + "/mac", mac},
      {vif_back + "/bridge", "xenbr0"},
      {vif_back + "/online", "1"},
      {vif_back + "/state", "4"},
      {vbd_back + "/frontend", dom + "/device/vbd/51712"},
      {vbd_back + "/frontend-id", id},
      {vbd_back + "/params", "/dev/vg0/guest-" + id},
      {vbd_back + "/type", "phy"},
      {vbd_back + "/mode", "w"},
      {vbd_back + "/dev", "xvda"},
      {vbd_back + "/online", "1"},
      {vbd_back + "/state", "4"},
  };
  nodes.insert(nodes.end(), domain.begin(), domain.end());
}

Nodes fleet(int n) {
  Nodes nodes{{"/local/domain/0/name", "Domain-0"}};
  for (int domid = 1; domid <= n; ++domid) add_domain(nodes, domid);
  return nodes;
}

std::uint64_t load_of(const xen::XenDataChange& change) {
  if (!change.new_value) return 0;
  auto it = change.new_value->values.find("load");
  return it == change.new_value->values.end() ? 0 : std::stoull(it->second);
}

FleetFigures measure(int n) {
  mirari::bench::LocalXenstored store;
  store.server().write(fleet(n));
  const auto probe = static_cast<std::uint32_t>(n / 2 + 1);
  const std::string probe_load = "/local/domain/" + std::to_string(probe) + "/data/load";

  FleetFigures figures;
  figures.rss_before_kib = mirari::bench::resident_kib();
  figures.heap_before = mirari::bench::heap_bytes();
  mirari::bench::Seen seen;     // the probe's data/load
  mirari::bench::Seen backend;  // the probe's vif's backend state
  const std::uint64_t requests = store.server().requests();
  const std::int64_t start_cpu = mirari::bench::process_cpu_ns();
  const std::int64_t start = now_ns();
  mirari::bench::XenstorePipeline pipeline(
      [&seen, probe](const xen::XenDataChange& change) {
        if (change.new_value && change.new_value->domid == probe) seen.record(load_of(change));
      },
      [&backend, probe](const xen::XenDeviceChange& change) {
        if (change.new_value && change.new_value->domid == probe) {
          backend.record(static_cast<std::uint64_t>(change.new_value->state));
        }
      });
  figures.sync_ns = now_ns() - start;
  figures.sync_cpu_ns = mirari::bench::process_cpu_ns() - start_cpu;
  figures.sync_requests = store.server().requests() - requests;
  figures.rss_after_kib = mirari::bench::resident_kib();
  figures.heap_after = mirari::bench::heap_bytes();

  XenStore guest = XenStore::open();
  auto thread_cpu = [&pipeline] { return pipeline.cpu_ns(); };
  std::uint64_t value = 0;
  figures.changes = mirari::bench::time_changes(
      kWarmUpChanges, kChanges,
      [&] {
        const std::int64_t written = now_ns();
        guest.write(XenStore::kNoTransaction, probe_load, std::to_string(++value));
        seen.wait_for(value, kTimeout);
        return static_cast<double>(seen.at_ns() - written) / 1e3;
      },
      thread_cpu);

  const std::string probe_state =
      "/local/domain/0/backend/vif/" + std::to_string(probe) + "/0/state";
  bool closing = false;
  figures.more_changes["backend_"] = mirari::bench::time_changes(
      kWarmUpChanges, kBackendChanges,
      [&] {
        closing = !closing;
        const auto state = closing ? xen::XenbusState::closing : xen::XenbusState::connected;
        const std::int64_t written = now_ns();
        guest.write(XenStore::kNoTransaction, probe_state, std::to_string(static_cast<int>(state)));
        backend.wait_for(static_cast<std::uint64_t>(state), kTimeout);
        return static_cast<double>(backend.at_ns() - written) / 1e3;
      },
      thread_cpu);
  return figures;
}

void BM_XenFleet(benchmark::State& state) {
  static bool warmed = false;
  mirari::bench::run_fleet(state, warmed, measure);
}
BENCHMARK(BM_XenFleet)
    ->Apply(mirari::bench::fleet_sizes)
    ->Iterations(1)
    ->UseManualTime()
    ->Unit(benchmark::kMillisecond);

}  // namespace
