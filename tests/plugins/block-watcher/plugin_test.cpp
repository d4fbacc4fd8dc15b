// The block watcher as mirarid runs it, through the SDK's plugin harness: ports, library
// export, configuration, reload.
#include <catch2/catch.hpp>

#include <chrono>

#include "block_watcher_plugin.hpp"
#include "loop_device.hpp"
#include "mirari/testing.hpp"

using mirari::block::BlockEvent;
using mirari::block::BlockWatcherPlugin;
using mirari::block::Devices;
using mirari::testing::LoopDevice;
using mirari::testing::PluginHarness;
using Kind = mirari::block::BlockEvent::Kind;

namespace {

constexpr std::chrono::seconds kDeadline{10};
constexpr std::uint64_t kMiB = 1 << 20;

// The events about one device.
std::vector<BlockEvent> of(const std::vector<BlockEvent>& events, const std::string& name) {
  std::vector<BlockEvent> kept;
  for (const auto& e : events) {
    if ((e.old_device ? e.old_device->name : e.new_device->name) == name) kept.push_back(e);
  }
  return kept;
}

}  // namespace

TEST_CASE("the block watcher plugin publishes the devices and a resize as one event") {
  LoopDevice loop_device;
  PluginHarness h;
  h.start(std::make_unique<BlockWatcherPlugin>(), {{"include", std::vector<std::string>{"loop"}}});
  auto events = h.record_each<BlockEvent>("block.events");
  REQUIRE(h.value<Devices>("block.devices").at(loop_device.name()).size_bytes == 8 * kMiB);

  loop_device.resize(16 * kMiB);
  REQUIRE(h.settle_until([&] { return !of(*events, loop_device.name()).empty(); }, kDeadline));
  const auto mine = of(*events, loop_device.name());
  REQUIRE(mine.size() == 1);
  CHECK(mine[0].kind == Kind::changed);
  CHECK(mine[0].new_device->size_bytes == 16 * kMiB);
  CHECK(h.value<Devices>("block.devices").at(loop_device.name()).size_bytes == 16 * kMiB);
}

TEST_CASE("the plugin library exports the block watcher") {
  LoopDevice loop_device;
  PluginHarness h;
  h.start_library(MIRARI_BLOCK_WATCHER_SO);
  CHECK(h.value<Devices>("block.devices").contains(loop_device.name()));
}

TEST_CASE("a bad block watcher configuration is refused") {
  PluginHarness negative_buffer;
  CHECK_THROWS_AS(negative_buffer.start(std::make_unique<BlockWatcherPlugin>(),
                                        {{"receive_buffer", std::int64_t{-1}}}),
                  mirari::ConfigError);
  PluginHarness empty_prefix;
  CHECK_THROWS_AS(empty_prefix.start(std::make_unique<BlockWatcherPlugin>(),
                                     {{"include", std::vector<std::string>{""}}}),
                  mirari::ConfigError);
}

TEST_CASE("a reloaded block watcher reports the attach it missed") {
  PluginHarness h;
  h.start(std::make_unique<BlockWatcherPlugin>(), {{"include", std::vector<std::string>{"loop"}}});
  auto events = h.record_each<BlockEvent>("block.events");
  LoopDevice loop_device;
  h.reload(std::make_unique<BlockWatcherPlugin>());
  REQUIRE(h.settle_until([&] { return !of(*events, loop_device.name()).empty(); }, kDeadline));
  const auto mine = of(*events, loop_device.name());
  CHECK(mine.back().new_device->backing_file == loop_device.file().string());
  CHECK(h.value<Devices>("block.devices").at(loop_device.name()).backing_file ==
        loop_device.file().string());
}
