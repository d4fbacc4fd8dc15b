// The state file: written whole, read back the same with the changes appended to it applied
// (a change cut short ignored), refused when it is not a state.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "state_file.hpp"
#include "temp_dir.hpp"

using mirari::instances::append_state_changes;
using mirari::instances::Flush;
using mirari::instances::read_state_file;
using mirari::instances::RecordedInstance;
using mirari::instances::RecordedState;
using mirari::instances::StateChanges;
using mirari::instances::write_state_file;
using mirari::ports::InstanceSpec;
using mirari::ports::InstanceState;
using mirari::ports::InstanceStatus;
using mirari::testing::TempDir;
namespace fs = std::filesystem;

namespace {

void write(const fs::path& path, const std::string& text) {
  std::ofstream(path) << text;
}

std::string refusal(const fs::path& path) {
  try {
    read_state_file(path);
  } catch (const std::runtime_error& e) {
    return e.what();
  }
  return "accepted";
}

}  // namespace

TEST_CASE("no state file is the empty state") {
  TempDir dir;
  CHECK(read_state_file(dir.path() / "state.json") == RecordedState{});
}

TEST_CASE(
    "a written state reads back the same, and leaves no temporary file, flushed to disk or "
    "not") {
  const Flush flush = GENERATE(Flush::to_disk, Flush::to_kernel);
  TempDir dir;
  const fs::path path = dir.path() / "state.json";
  RecordedState state;
  state.next_serial = 8;
  InstanceStatus i;
  i.group = "web";
  i.extra = "probe";
  i.spec_hash = "0011223344556677";
  i.backend_id = 31337;
  i.state = InstanceState::running;
  i.since = 1'700'000'000'000;
  state.instances["probe-7"] =
      RecordedInstance{i, InstanceSpec{"web", "/bin/p", {"-x"}, {}}, 99, {}};
  write_state_file(path, state, flush);
  CHECK(read_state_file(path) == state);

  state.instances.clear();
  write_state_file(path, state, flush);
  CHECK(read_state_file(path) == state);
  CHECK(std::distance(fs::directory_iterator(dir.path()), fs::directory_iterator()) == 1);
}

TEST_CASE("changes appended to a state are applied in order when it is read, flushed or not") {
  const Flush flush = GENERATE(Flush::to_disk, Flush::to_kernel);
  TempDir dir;
  const fs::path path = dir.path() / "state.json";
  RecordedState state;
  state.next_serial = 3;
  const InstanceSpec spec{"web", "/bin/web", {}, {}};
  state.instances["web-1"] =
      RecordedInstance{InstanceStatus("web", InstanceState::running, 1), spec, 11, {}};
  state.instances["web-2"] =
      RecordedInstance{InstanceStatus("web", InstanceState::running, 2), spec, 12, {}};
  write_state_file(path, state, flush);
  StateChanges first;
  first.next_serial = 4;
  first.instances["web-3"] =
      RecordedInstance{InstanceStatus("web", InstanceState::starting, 3), spec, 0, {}};
  first.instances["web-1"] = std::nullopt;
  append_state_changes(path, first, flush);
  StateChanges second;
  second.next_serial = 4;
  second.instances["web-3"] =
      RecordedInstance{InstanceStatus("web", InstanceState::running, 4), spec, 13, {}};
  append_state_changes(path, second, flush);

  RecordedState expected;
  expected.next_serial = 4;
  expected.instances["web-2"] = state.instances.at("web-2");
  expected.instances["web-3"] = *second.instances.at("web-3");
  CHECK(read_state_file(path) == expected);
  // Written whole again: no changes left to apply.
  write_state_file(path, expected);
  CHECK(read_state_file(path) == expected);
  CHECK(std::count(std::istreambuf_iterator<char>(*std::make_unique<std::ifstream>(path)),
                   std::istreambuf_iterator<char>(), '\n') == 1);
}

TEST_CASE("a change whose append was cut short is ignored; a broken one before the end is not") {
  TempDir dir;
  const fs::path path = dir.path() / "state.json";
  RecordedState state;
  state.next_serial = 2;
  state.instances["web-1"] = RecordedInstance{InstanceStatus("web", InstanceState::running, 1),
                                              InstanceSpec{"web", "/bin/web", {}, {}},
                                              11,
                                              {}};
  write_state_file(path, state);
  std::ofstream(path, std::ios::app) << "{\"next_serial\": 3, \"instances\": {\"web-1\": nu";
  CHECK(read_state_file(path) == state);
  std::ofstream(path, std::ios::app) << "\n";
  CHECK(refusal(path).rfind("state file '" + path.string() +
                                "' is not a state of the instance manager: change on line 2: ",
                            0) == 0);
}

TEST_CASE("a state written whole over several lines, by the earlier format, is read") {
  TempDir dir;
  const fs::path path = dir.path() / "state.json";
  const InstanceSpec spec{"web", "/bin/web", {}, {}};
  const InstanceStatus running("web", InstanceState::running, 7);
  const nlohmann::json earlier = {
      {"format", 1},
      {"next_serial", 5},
      {"instances", {{"web-4", {{"instance", running}, {"spec", spec}, {"start_time", 44}}}}}};
  write(path, earlier.dump(2) + "\n");
  const RecordedState state = read_state_file(path);
  CHECK(state.next_serial == 5);
  REQUIRE(state.instances.count("web-4") == 1);
  CHECK(state.instances.at("web-4").start_time == 44);
  CHECK(state.instances.at("web-4").instance.state == InstanceState::running);
}

TEST_CASE("appending to a state file that is not there fails, naming it, and creates nothing") {
  TempDir dir;
  const fs::path path = dir.path() / "state.json";
  CHECK_THROWS_WITH(append_state_changes(path, StateChanges{}),
                    Catch::Contains("cannot append to '" + path.string() + "'"));
  CHECK_FALSE(fs::exists(path));
}

TEST_CASE("a domain's UUID is recorded for the xen backend and left out for a process") {
  TempDir dir;
  const fs::path path = dir.path() / "state.json";
  RecordedState state;
  InstanceStatus i("web", InstanceState::running, 5);
  i.backend_id = 12;
  RecordedInstance domain{i, InstanceSpec{"web", "/boot/web.xen", {}, {}}, 0, {}};
  domain.domain_uuid = "6a1f3c2e-8d4b-4e6f-9a1b-2c3d4e5f6a7b";
  state.instances["web-1"] = domain;
  state.instances["web-2"] = RecordedInstance{i, InstanceSpec{"web", "/bin/web", {}, {}}, 99, {}};
  write_state_file(path, state);
  CHECK(read_state_file(path) == state);
  std::ifstream file(path);
  const std::string text{std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>()};
  CHECK(text.find("domain_uuid") == text.rfind("domain_uuid"));
}

TEST_CASE("a file that is not a state is refused, naming it") {
  TempDir dir;
  const fs::path path = dir.path() / "state.json";
  write(path, "{\"format\": 1, \"next_serial\": 1, \"instances\": {\"web-1\": {}}}");
  CHECK(refusal(path).rfind(
            "state file '" + path.string() + "' is not a state of the instance manager: ", 0) == 0);
  write(path, "{\"format\": 2, \"next_serial\": 1, \"instances\": {}}");
  CHECK(refusal(path) == "state file '" + path.string() +
                             "' is not a state of the instance manager: format 2 is not 1");
  write(path, "half a fi");
  CHECK(refusal(path).rfind("state file '" + path.string() + "' is not a state", 0) == 0);
}

TEST_CASE("a state file that cannot be written is reported, naming it") {
  TempDir dir;
  const fs::path path = dir.path() / "missing" / "state.json";
  CHECK_THROWS_WITH(write_state_file(path, RecordedState{}),
                    Catch::Contains("cannot write '" + path.string() + "'"));
}
