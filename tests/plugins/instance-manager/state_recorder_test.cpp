// The state recorder: whatever mix of appends and whole rewrites it chose, the file reads back
// as the state it recorded after every change, and a failed write is followed by a whole one.
#include <catch2/catch.hpp>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>

#include "state_file.hpp"
#include "state_recorder.hpp"
#include "temp_dir.hpp"

using mirari::instances::Flush;
using mirari::instances::read_state_file;
using mirari::instances::RecordedInstance;
using mirari::instances::RecordedState;
using mirari::instances::StateChanges;
using mirari::instances::StateRecorder;
using mirari::ports::InstanceSpec;
using mirari::ports::InstanceState;
using mirari::ports::InstanceStatus;
using mirari::testing::TempDir;
namespace fs = std::filesystem;

namespace {

std::size_t lines(const fs::path& path) {
  std::ifstream file(path);
  std::size_t n = 0;
  for (std::string line; std::getline(file, line);) ++n;
  return n;
}

}  // namespace

TEST_CASE("every change recorded reads back, across appends and whole rewrites") {
  TempDir dir;
  const fs::path path = dir.path() / "state.json";
  StateRecorder recorder(path, Flush::to_disk, 8);
  recorder.rewrite(RecordedState{});
  RecordedState expected;
  std::mt19937 random(10);
  std::size_t rewrites = 0;
  for (int step = 0; step < 400; ++step) {
    StateChanges changes;
    changes.next_serial = expected.next_serial + random() % 2;
    const int count = 1 + static_cast<int>(random() % 4);
    for (int c = 0; c < count; ++c) {
      const std::string name = "web-" + std::to_string(random() % 24);
      if (random() % 3 == 0) {
        changes.instances[name] = std::nullopt;
      } else {
        InstanceStatus status("web", InstanceState::running, step);
        status.backend_id = step;
        changes.instances[name] =
            RecordedInstance{status, InstanceSpec{"web", "/bin/web", {}, {}}, 100u + step, {}};
      }
    }
    mirari::instances::apply_state_changes(expected, changes);
    recorder.record(changes);
    if (lines(path) == 1) ++rewrites;
    REQUIRE(recorder.state() == expected);
    REQUIRE(read_state_file(path) == expected);
  }
  // Both ways were taken, and the file never grew past its bound.
  CHECK(rewrites > 10);
  CHECK(rewrites < 200);
}

TEST_CASE("after a change that could not be appended, the next one writes the file whole") {
  TempDir dir;
  const fs::path path = dir.path() / "state.json";
  StateRecorder recorder(path, Flush::to_kernel);
  recorder.rewrite(RecordedState{});
  const InstanceSpec spec{"web", "/bin/web", {}, {}};
  StateChanges lost;
  lost.next_serial = 2;
  lost.instances["web-1"] =
      RecordedInstance{InstanceStatus("web", InstanceState::starting, 1), spec, 0, {}};
  fs::remove(path);
  CHECK_THROWS_WITH(recorder.record(lost),
                    Catch::Contains("cannot append to '" + path.string() + "'"));
  CHECK_FALSE(fs::exists(path));
  StateChanges next;
  next.next_serial = 3;
  next.instances["web-2"] =
      RecordedInstance{InstanceStatus("web", InstanceState::starting, 2), spec, 0, {}};
  recorder.record(next);
  const RecordedState state = read_state_file(path);
  CHECK(state == recorder.state());
  CHECK(state.instances.count("web-1") == 1);
  CHECK(state.instances.count("web-2") == 1);
  CHECK(lines(path) == 1);
}
