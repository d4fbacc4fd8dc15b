// The load monitor as a plugin: configuration keys socket, processes, sample_interval_ms and
// window (see load_monitor_options.hpp); ports load.by_instance, load.total,
// instances.reports, load.samples and load.rejected (types in mirari/ports/load.hpp). It also takes
// the numeric values under each domain's XenStore data/ directory as that domain's reports,
// from the port xen.data while a XenStore watcher publishes it.
//
// A reload carries the averages, the latest reports and the XenStore values taken over to
// the new instance; its socket replaces the old one's, and reports resume into it at once.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <spdlog/logger.h>
#include <mirari/combinators.hpp>
#include <mirari/plugin.hpp>
#include <mirari/ports/load.hpp>

#include "load_monitor.hpp"
#include "load_monitor_options.hpp"

namespace mirari::load {

class LoadMonitorPlugin final : public Plugin {
 public:
  static std::vector<ConfigKey> config_keys() { return load_monitor_config_keys(); }

  static std::vector<PortDecl> ports() {
    namespace P = ports::load;
    return {
        PortDecl::publishes<LoadByInstance>(
            P::kByInstance,
            "smoothed load per instance (1.0 = one busy CPU): the mean of its last window "
            "samples"),
        PortDecl::publishes<double>(P::kTotal, "the sum of load.by_instance"),
        PortDecl::publishes<InstanceReports>(
            P::kReports, "the latest value of every key each instance reported, or was sampled"),
        PortDecl::publishes_events<std::vector<LoadSample>>(
            P::kSamples, "the samples one tick took (instance, key, value, source), in order"),
        PortDecl::publishes<std::uint64_t>(
            P::kRejected, "report lines refused so far (not \"NAME KEY VALUE\" with a number)"),
        PortDecl::subscribes<ports::xen::DataByDomain>(
            ports::xen::kData, "guests' XenStore data/ values, taken as their reports")};
  }

  void configure(const Config& config) override { options_ = parse_options(config); }

  // Binds the socket before publishing anything, so a socket that cannot be made fails
  // start with nothing left behind.
  void start(Context& ctx) override {
    namespace P = ports::load;
    auto monitor = std::make_unique<LoadMonitor>(
        ctx.io(), options_, [&log = ctx.log()](const std::string& what) { log.warn("{}", what); });
    if (previous_) monitor->restore(*previous_);
    LoadMonitor::Current now = monitor->current();
    Graph& graph = ctx.graph();
    LoadMonitor::Outputs out{&graph,
                             graph.source<LoadByInstance>(std::move(now.by_instance)),
                             graph.source<double>(now.total),
                             graph.source<InstanceReports>(std::move(now.reports)),
                             graph.event_source<std::vector<LoadSample>>(),
                             graph.source<std::uint64_t>(now.rejected)};
    ctx.publish(P::kByInstance, out.by_instance.signal().named(P::kByInstance));
    ctx.publish(P::kTotal, out.total.signal().named(P::kTotal));
    ctx.publish(P::kReports, out.reports.signal().named(P::kReports));
    ctx.publish(P::kSamples, out.samples.event().named(P::kSamples));
    ctx.publish(P::kRejected, out.rejected.signal().named(P::kRejected));
    monitor->follow(std::move(out));
    // Guests' XenStore data/ values are reports too, while a XenStore watcher publishes them.
    observe(ctx.subscribe<ports::xen::DataByDomain>(ports::xen::kData), monitor->xen_data_sink());
    monitor_ = std::move(monitor);
  }

  void stop() override {
    if (monitor_) monitor_->stop();
  }

  std::optional<std::string> snapshot() const override {
    if (!monitor_) return std::nullopt;
    return monitor_->snapshot();
  }
  void restore(const std::string& state) override { previous_ = state; }

 private:
  LoadMonitorOptions options_;
  std::optional<std::string> previous_;
  std::unique_ptr<LoadMonitor> monitor_;
};

}  // namespace mirari::load
