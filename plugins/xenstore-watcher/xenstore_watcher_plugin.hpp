// The XenStore watcher as a plugin: configuration keys prefix and keepalive_ms; ports
// xen.domains, xen.vifs, xen.vbds and xen.data with their change events (types in
// mirari/ports/xen.hpp). The store is the one libxenstore connects to: XENSTORED_PATH in
// mirarid's environment, else the standard socket, else the xenbus device.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <spdlog/logger.h>
#include <mirari/plugin.hpp>
#include <nlohmann/json.hpp>

#include "xenstore_watcher.hpp"

namespace mirari::xen {

class XenStoreWatcherPlugin final : public Plugin {
 public:
  static std::vector<ConfigKey> config_keys() {
    return {ConfigKey::optional("prefix", std::string("/local/domain"),
                                "the XenStore directory that holds one directory per domain"),
            ConfigKey::optional("keepalive_ms", std::int64_t{1000},
                                "how often, in milliseconds, the watcher checks that XenStore "
                                "still answers; a store that went away is reconnected to and "
                                "read again")};
  }

  static std::vector<PortDecl> ports() {
    namespace P = ports::xen;
    return {
        PortDecl::publishes<P::Domains>(P::kDomains,
                                        "every domain in XenStore (name, uuid, memory), by domid"),
        PortDecl::publishes_events<P::DomainChanges>(
            P::kDomainEvents, "the changes of one tick to xen.domains, in order"),
        PortDecl::publishes<P::Devices>(
            P::kVifs, "every network device (vif) with both ends' xenbus states, by domid/devid"),
        PortDecl::publishes_events<P::DeviceChanges>(
            P::kVifEvents, "the changes of one tick to xen.vifs, in order"),
        PortDecl::publishes<P::Devices>(
            P::kVbds, "every block device (vbd) with both ends' xenbus states, by domid/devid"),
        PortDecl::publishes_events<P::DeviceChanges>(
            P::kVbdEvents, "the changes of one tick to xen.vbds, in order"),
        PortDecl::publishes<P::DataByDomain>(
            P::kData, "what each guest writes under its data/ directory, by domid"),
        PortDecl::publishes_events<P::DataChanges>(
            P::kDataEvents, "the changes of one tick to xen.data, in order")};
  }

  void configure(const Config& config) override {
    options_.prefix = config.get<std::string>("prefix");
    if (!options_.prefix.starts_with('/') || options_.prefix.size() < 2 ||
        options_.prefix.ends_with('/') || options_.prefix.find("//") != std::string::npos) {
      throw ConfigError(
          "prefix must be an absolute XenStore path without a trailing '/', such "
          "as \"/local/domain\"");
    }
    const std::int64_t keepalive = config.get<std::int64_t>("keepalive_ms");
    if (keepalive < 1 || keepalive > 3'600'000) {
      throw ConfigError("keepalive_ms must be between 1 and 3600000");
    }
    options_.keepalive = std::chrono::milliseconds(keepalive);
  }

  // Connects and reads the store before publishing anything, so a store that does not
  // answer fails start with nothing left behind.
  void start(Context& ctx) override {
    namespace P = ports::xen;
    XenStoreWatcherOptions options = options_;
    options.report = [&log = ctx.log()](const std::string& what) { log.warn("{}", what); };
    auto watcher = std::make_unique<XenStoreWatcher>(ctx.io(), std::move(options));
    const XenTables& now = watcher->tables();
    XenStoreWatcher::Outputs out = XenStoreWatcher::Outputs::make(ctx.graph(), now);
    ctx.publish(P::kDomains, out.domains.table().named(P::kDomains));
    ctx.publish(P::kDomainEvents, out.domains.changes().named(P::kDomainEvents));
    ctx.publish(P::kVifs, out.vifs.table().named(P::kVifs));
    ctx.publish(P::kVifEvents, out.vifs.changes().named(P::kVifEvents));
    ctx.publish(P::kVbds, out.vbds.table().named(P::kVbds));
    ctx.publish(P::kVbdEvents, out.vbds.changes().named(P::kVbdEvents));
    ctx.publish(P::kData, out.data.table().named(P::kData));
    ctx.publish(P::kDataEvents, out.data.changes().named(P::kDataEvents));
    outputs_ = out;
    watcher->follow(std::move(out), previous_ ? &*previous_ : nullptr);
    watcher_ = std::move(watcher);
  }

  void stop() override {
    if (watcher_) watcher_->stop();
  }

  // The tables subscribers last saw (committed), so the next instance emits what changed
  // since, including changes this one read but whose writes the swap drops.
  std::optional<std::string> snapshot() const override {
    if (!watcher_) return std::nullopt;
    return nlohmann::json(XenTables{outputs_.domains.value(),
                                    outputs_.vifs.value(),
                                    outputs_.vbds.value(),
                                    outputs_.data.value(),
                                    {},
                                    {}})
        .dump();
  }
  void restore(const std::string& state) override {
    previous_ = nlohmann::json::parse(state).get<XenTables>();
  }

  const XenStoreWatcher* watcher() const { return watcher_.get(); }

 private:
  XenStoreWatcherOptions options_;
  std::optional<XenTables> previous_;
  std::unique_ptr<XenStoreWatcher> watcher_;
  XenStoreWatcher::Outputs outputs_;
};

}  // namespace mirari::xen
