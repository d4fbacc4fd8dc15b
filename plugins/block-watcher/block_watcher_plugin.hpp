// The block watcher as a plugin: configuration keys receive_buffer and include, ports
// block.devices and block.events (types in mirari/ports/block.hpp). Shaped like the rtnetlink
// watchers' adapter (rtnetlink/watcher_plugin.hpp), without its network namespace: block
// uevents reach only mirarid's own namespace.
#pragma once

#include <climits>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <spdlog/logger.h>
#include <mirari/plugin.hpp>
#include <nlohmann/json.hpp>

#include "block_watcher.hpp"

namespace mirari::block {

class BlockWatcherPlugin final : public Plugin {
 public:
  static constexpr const char* kDevices = ports::block::kDevices;
  static constexpr const char* kEvents = ports::block::kEvents;

  static std::vector<ConfigKey> config_keys() {
    return {ConfigKey::optional("receive_buffer", std::int64_t{4} << 20,
                                "bytes of uevents that may wait unread; past them the kernel "
                                "drops some and the watcher reads sysfs again "
                                "(0: the system default)"),
            ConfigKey::optional("include", std::vector<std::string>(),
                                "name prefixes of the block devices to watch, such as \"loop\" "
                                "or \"vd\"; empty for every device")};
  }

  static std::vector<PortDecl> ports() {
    return {
        PortDecl::publishes<Devices>(
            kDevices, "every block device watched (numbers, size, read-only, loop file), by name"),
        PortDecl::publishes_events<std::vector<BlockEvent>>(
            kEvents,
            "the changes of one tick to block.devices (added, changed, removed), "
            "in order")};
  }

  void configure(const Config& config) override {
    const std::int64_t buffer = config.get<std::int64_t>("receive_buffer");
    if (buffer < 0 || buffer > INT_MAX) {
      throw ConfigError("receive_buffer must be between 0 and " + std::to_string(INT_MAX) +
                        " bytes");
    }
    options_.receive_buffer = static_cast<int>(buffer);
    options_.include = config.get<std::vector<std::string>>("include");
    for (const std::string& prefix : options_.include) {
      if (prefix.empty()) throw ConfigError("include holds an empty prefix, which matches all");
    }
  }

  // Reads the current devices, publishes them and starts following.
  void start(Context& ctx) override {
    BlockWatcherOptions options = options_;
    options.report = [&log = ctx.log()](const std::string& what) { log.warn("{}", what); };
    auto watcher = std::make_unique<BlockWatcher>(ctx.io(), std::move(options));
    out_ = common::TablePublisher<Devices, BlockEvent>::make(ctx.graph(), watcher->table());
    ctx.publish(kDevices, out_.table().named(kDevices));
    ctx.publish(kEvents, out_.changes().named(kEvents));
    watcher->follow(out_, previous_ ? &*previous_ : nullptr);
    watcher_ = std::move(watcher);
  }

  void stop() override {
    if (watcher_) watcher_->stop();
  }

  // The table subscribers last saw (committed), so the next instance emits what changed
  // since, including changes this one read but whose writes the swap drops.
  std::optional<std::string> snapshot() const override {
    if (!watcher_) return std::nullopt;
    return nlohmann::json(out_.value()).dump();
  }
  void restore(const std::string& state) override {
    previous_ = nlohmann::json::parse(state).get<Devices>();
  }

 private:
  BlockWatcherOptions options_;
  std::optional<Devices> previous_;
  std::unique_ptr<BlockWatcher> watcher_;
  common::TablePublisher<Devices, BlockEvent> out_;
};

}  // namespace mirari::block
