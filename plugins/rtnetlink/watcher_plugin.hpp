// The plugin adapter the rtnetlink watchers share: their configuration keys, their two
// ports (the table, and a list of the changes each tick brought), and reload. A watcher plugin is
// this template applied to its domain class and port names:
//
//   struct Ports { static constexpr const char* kTable = "net.links";
//                  static constexpr const char* kEvents = "net.link_events";
//                  static constexpr const char* kTableMeaning = "every link ...";
//                  static constexpr const char* kEventsMeaning = "the changes ..."; };
//   using NetWatcherPlugin = rtnetlink::WatcherPlugin<NetWatcher, Ports>;
//
// Watcher is constructed from (executor, MirrorOptions) and has Table, Event, table(),
// follow(table, events, previous) and stop(), as NetWatcher and ArpWatcher do.
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

#include "rtnetlink/mirror.hpp"

namespace mirari::rtnetlink {

template <class Watcher, class Ports>
class WatcherPlugin final : public Plugin {
 public:
  using Table = typename Watcher::Table;
  using Event = typename Watcher::Event;

  static std::vector<ConfigKey> config_keys() {
    return {ConfigKey::optional("netns", std::string(),
                                "network namespace to watch, by its name under /var/run/netns; "
                                "empty for mirarid's own"),
            ConfigKey::optional("receive_buffer", std::int64_t{4} << 20,
                                "bytes of notifications that may wait unread; past them the "
                                "kernel drops some and the watcher reads the whole state again "
                                "(0: the system default)")};
  }

  static std::vector<PortDecl> ports() {
    return {PortDecl::publishes<Table>(Ports::kTable, Ports::kTableMeaning),
            PortDecl::publishes_events<std::vector<Event>>(Ports::kEvents, Ports::kEventsMeaning)};
  }

  void configure(const Config& config) override {
    options_.netns = config.get<std::string>("netns");
    const std::int64_t buffer = config.get<std::int64_t>("receive_buffer");
    if (buffer < 0 || buffer > INT_MAX) {
      throw ConfigError("receive_buffer must be between 0 and " + std::to_string(INT_MAX) +
                        " bytes");
    }
    options_.receive_buffer = static_cast<int>(buffer);
  }

  // Reads the namespace's current state, publishes it and starts following. A namespace that
  // cannot be entered fails here, before anything is published.
  void start(Context& ctx) override {
    MirrorOptions options = options_;
    options.report = [&log = ctx.log()](const std::string& what) { log.warn("{}", what); };
    auto watcher = std::make_unique<Watcher>(ctx.io(), std::move(options));
    out_ = common::TablePublisher<Table, Event>::make(ctx.graph(), watcher->table());
    ctx.publish(Ports::kTable, out_.table().named(Ports::kTable));
    ctx.publish(Ports::kEvents, out_.changes().named(Ports::kEvents));
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
    previous_ = nlohmann::json::parse(state).get<Table>();
  }

 private:
  MirrorOptions options_;
  std::optional<Table> previous_;
  std::unique_ptr<Watcher> watcher_;
  common::TablePublisher<Table, Event> out_;
};

}  // namespace mirari::rtnetlink
