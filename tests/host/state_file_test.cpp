// The state file a restarted mirarid continues from, and the atomic writes that keep it whole.
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "atomic_file.hpp"
#include "state_file.hpp"
#include "temp_dir.hpp"

namespace fs = std::filesystem;
using namespace mirari::host;
using mirari::testing::TempDir;

namespace {

std::string read(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

TEST_CASE("a saved state reads back as it was, binary snapshots and given settings too") {
  SavedState state;
  state.loaded = {{"tally", "/usr/lib/mirari/plugins/counter.so", "control",
                   R"({"groups":[{"name":"web","template":{"memory":64}}]})"},
                  {"probe", "/p/probe.so", "directory", ""}};
  state.snapshots = {{"tally", "counter", "42"},
                     {"blob", "blob", std::string("\x00\xff\x10 \xc3\x28", 6)},
                     {"empty", "e", ""}};
  const std::string text = state_text(state);
  CHECK(text.find(R"("text": "42")") != std::string::npos);
  CHECK(text.find(R"("hex": "00ff1020c328")") != std::string::npos);
  CHECK(parse_state(text) == state);
}

TEST_CASE("a state file that is not one is refused with the reason") {
  CHECK_THROWS_WITH(parse_state("{"), Catch::StartsWith("not JSON: "));
  CHECK_THROWS_WITH(parse_state(R"({"format": 2})"), "it is not a format 1 state file");
  CHECK_THROWS_WITH(parse_state(R"({"format": 1, "loaded": []})"), "it has no \"snapshots\" list");
  CHECK_THROWS_WITH(
      parse_state(R"({"format": 1, "loaded": [{"name": "x", "file": "/x.so"}], "snapshots": []})"),
      "an entry has no string \"origin\"");
  CHECK_THROWS_WITH(
      parse_state(
          R"({"format": 1, "loaded": [], "snapshots": [{"instance": "a", "plugin": "b", "hex": "0g"}]})"),
      "a snapshot's \"hex\" holds 'g'");
}

TEST_CASE("a corrupt state file is set aside and never read twice") {
  TempDir dir;
  const fs::path file = dir.path() / "state.json";
  std::string problem;
  CHECK_FALSE(read_state(file, problem).has_value());
  CHECK(problem.empty());
  std::ofstream(file) << "{\"format\": 1, \"loaded\": [";
  CHECK_FALSE(read_state(file, problem).has_value());
  CHECK(problem.find("state file " + file.string() + " cannot be read (not JSON: ") == 0);
  CHECK(fs::exists(file.string() + ".corrupt"));
  CHECK_FALSE(fs::exists(file));
}

TEST_CASE("an atomic write replaces a file whole, or leaves it as it was") {
  TempDir dir;
  const fs::path file = dir.path() / "state.json";
  write_file_atomically(file, "first");
  write_file_atomically(file, "second, longer");
  CHECK(read(file) == "second, longer");
  CHECK_FALSE(fs::exists(file.string() + ".new"));

  fs::create_directory(file.string() + ".new");  // the temporary file cannot be made
  CHECK_THROWS_WITH(write_file_atomically(file, "third"),
                    Catch::StartsWith("cannot write " + file.string() + ": cannot create "));
  CHECK(read(file) == "second, longer");
  CHECK_THROWS_AS(write_file_atomically(dir.path() / "no" / "such" / "dir", "x"), AtomicWriteError);
}
