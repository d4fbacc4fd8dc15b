// The block watcher against a real kernel: loop devices of the test's own, attached,
// resized and detached with losetup, seen in the devices table and as events. Other
// processes may use other loop devices meanwhile, so every check is about the test's own
// device, by name.
#include <catch2/catch.hpp>

#include <sys/stat.h>
#include <sys/sysmacros.h>

#include <algorithm>
#include <fstream>

#include "block_watcher.hpp"
#include "graph_loop.hpp"
#include "loop_device.hpp"
#include "mirari/combinators.hpp"

using mirari::block::BlockDevice;
using mirari::block::BlockEvent;
using mirari::block::BlockWatcher;
using mirari::block::BlockWatcherOptions;
using mirari::block::Devices;
using mirari::testing::GraphLoop;
using mirari::testing::LoopDevice;
using Kind = mirari::block::BlockEvent::Kind;

namespace {

constexpr std::uint64_t kMiB = 1 << 20;

// A watcher, its output sources, and what it emitted.
struct Watch {
  explicit Watch(GraphLoop& loop, BlockWatcherOptions options = {})
      : watcher(loop.executor(), std::move(options)),
        devices(loop.graph().source<Devices>(watcher.table())),
        events(loop.graph().event_source<std::vector<BlockEvent>>()) {
    mirari::observe(events.event(), [seen = seen](const std::vector<BlockEvent>& batch) {
      seen->insert(seen->end(), batch.begin(), batch.end());
    });
    watcher.follow({loop.graph(), devices, events});
  }

  const BlockDevice* device(const std::string& name) const { return devices.value().find(name); }
  bool backed_by(const LoopDevice& loop_device) const {
    const BlockDevice* d = device(loop_device.name());
    return d != nullptr && d->backing_file == loop_device.file().string();
  }
  // The events that concern the device with this name.
  std::vector<BlockEvent> events_of(const std::string& name) const {
    std::vector<BlockEvent> of;
    for (const auto& e : *seen) {
      if ((e.old_device ? e.old_device->name : e.new_device->name) == name) of.push_back(e);
    }
    return of;
  }

  BlockWatcher watcher;
  mirari::Source<Devices> devices;
  mirari::EventSource<std::vector<BlockEvent>> events;
  std::shared_ptr<std::vector<BlockEvent>> seen = std::make_shared<std::vector<BlockEvent>>();
};

}  // namespace

TEST_CASE("a watcher started late begins with the loop device that exists") {
  LoopDevice loop_device;
  GraphLoop loop;
  Watch watch(loop);
  const BlockDevice* d = watch.device(loop_device.name());
  REQUIRE(d != nullptr);
  struct stat node {};
  REQUIRE(::stat(loop_device.device().c_str(), &node) == 0);
  CHECK(d->major == ::major(node.st_rdev));
  CHECK(d->minor == ::minor(node.st_rdev));
  CHECK(d->size_bytes == 8 * kMiB);
  CHECK_FALSE(d->read_only);
  CHECK(d->backing_file == loop_device.file().string());
  CHECK(watch.events_of(loop_device.name()).empty());
}

TEST_CASE("attaching a loop device shows its size and backing file, with an event") {
  GraphLoop loop;
  Watch watch(loop);
  LoopDevice loop_device;
  REQUIRE(loop.run_until([&] { return watch.backed_by(loop_device); }));
  CHECK(watch.device(loop_device.name())->size_bytes == 8 * kMiB);
  const auto events = watch.events_of(loop_device.name());
  REQUIRE_FALSE(events.empty());
  // A loop device node the kernel kept from an earlier use changes; a new one is added.
  CHECK((events.back().kind == Kind::changed || events.back().kind == Kind::added));
  CHECK(events.back().new_device == *watch.device(loop_device.name()));
  // The event that attached it starts from the device without this file (another test may
  // have used the same loop device just before: its earlier events are not this one's).
  const auto attach = std::find_if(events.begin(), events.end(), [&](const BlockEvent& e) {
    return e.new_device && e.new_device->backing_file == loop_device.file().string();
  });
  REQUIRE(attach != events.end());
  if (attach->old_device) CHECK(attach->old_device->backing_file != loop_device.file().string());
}

TEST_CASE("a loop device attached read-only is read-only") {
  GraphLoop loop;
  Watch watch(loop);
  LoopDevice loop_device(8 * kMiB, true);
  REQUIRE(loop.run_until([&] { return watch.backed_by(loop_device); }));
  CHECK(watch.device(loop_device.name())->read_only);
}

TEST_CASE("a resized loop device changes size, with the old and new size") {
  LoopDevice loop_device;
  GraphLoop loop;
  Watch watch(loop);
  loop_device.resize(24 * kMiB);
  REQUIRE(
      loop.run_until([&] { return watch.device(loop_device.name())->size_bytes == 24 * kMiB; }));
  const auto events = watch.events_of(loop_device.name());
  REQUIRE(events.size() == 1);
  CHECK(events[0].kind == Kind::changed);
  CHECK(events[0].old_device->size_bytes == 8 * kMiB);
  CHECK(events[0].new_device->size_bytes == 24 * kMiB);
  CHECK(events[0].new_device->backing_file == loop_device.file().string());
}

TEST_CASE("a detached loop device loses its backing file, with an event") {
  LoopDevice loop_device;
  GraphLoop loop;
  Watch watch(loop);
  const std::string name = loop_device.name();
  const std::string file = loop_device.file().string();
  loop_device.detach();
  // Once detached, the device is free for another test to take: only the first event about
  // it is this test's.
  REQUIRE(loop.run_until([&] { return !watch.events_of(name).empty(); }));
  const BlockEvent detached = watch.events_of(name).front();
  CHECK(detached.old_device->backing_file == file);
  if (detached.new_device) {
    CHECK(detached.kind == Kind::changed);
    CHECK_FALSE(detached.new_device->backing_file);
  } else {
    CHECK(detached.kind == Kind::removed);
  }
}

TEST_CASE("devices outside the include list are neither published nor reported") {
  LoopDevice loop_device;
  GraphLoop loop;
  Watch only_other(loop, {0, {"mirari-no-such-device"}, "/sys", {}});
  Watch only_loops(loop, {0, {"loop"}, "/sys", {}});
  CHECK(only_other.devices.value().empty());
  REQUIRE(only_loops.device(loop_device.name()) != nullptr);
  for (const auto& [name, device] : only_loops.devices.value()) CHECK(name.starts_with("loop"));
  loop_device.resize(16 * kMiB);
  REQUIRE(loop.run_until(
      [&] { return only_loops.device(loop_device.name())->size_bytes == 16 * kMiB; }));
  CHECK(only_other.seen->empty());
}

TEST_CASE("after uevents are lost the watcher reads sysfs again and ends exact") {
  LoopDevice loop_device;
  GraphLoop loop;
  // A buffer a few records fill, so the burst below overruns it while nothing reads.
  Watch watch(loop, {1024, {}, "/sys", {}});
  {
    // Each write asks the kernel to announce the device again; only this device hears it.
    const std::string trigger = "/sys/class/block/" + loop_device.name() + "/uevent";
    for (int i = 0; i < 200; ++i) std::ofstream(trigger) << "change\n";
  }
  loop_device.resize(32 * kMiB);
  REQUIRE(
      loop.run_until([&] { return watch.device(loop_device.name())->size_bytes == 32 * kMiB; }));
  CHECK(watch.watcher.stats().overruns >= 1);
  CHECK(watch.watcher.stats().resyncs >= 1);
  CHECK(watch.watcher.stats().following);
  const auto events = watch.events_of(loop_device.name());
  REQUIRE(events.size() == 1);
  CHECK(events[0].old_device->size_bytes == 8 * kMiB);
  BlockWatcher fresh(loop.executor(), {});
  CHECK(*watch.device(loop_device.name()) == fresh.table().at(loop_device.name()));
}

TEST_CASE("a stopped watcher writes nothing more") {
  LoopDevice loop_device;
  GraphLoop loop;
  Watch watch(loop, {0, {"loop"}, "/sys", {}});
  watch.watcher.stop();
  CHECK_FALSE(watch.watcher.stats().following);
  loop_device.resize(16 * kMiB);
  loop.run_until([] { return false; }, std::chrono::milliseconds(300));
  CHECK(watch.device(loop_device.name())->size_bytes == 8 * kMiB);
  CHECK(watch.seen->empty());
}
