// The plugin template, as its author uses it: built out of tree against the installed SDK,
// hot-loaded into a running mirarid, driven and watched with mirarictl.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>
#include <string>

#include "daemon.hpp"

using mirari::test::Daemon;
using mirari::test::eventually;
using nlohmann::json;

namespace {

void run(const std::string& command) {
  INFO(command);
  REQUIRE(std::system((command + " >/dev/null 2>&1").c_str()) == 0);
}

}  // namespace

TEST_CASE("the template builds out of tree and hot-loads into a running mirarid") {
  Daemon daemon;
  const std::filesystem::path work = daemon.dir() / "template";
  run("cmake --install " MIRARI_BUILD_DIR " --prefix " + (work / "prefix").string());
  run("cmake -S " MIRARI_TEMPLATE_DIR " -B " + (work / "build").string() +
      " -G Ninja -DCMAKE_PREFIX_PATH=" + (work / "prefix").string());
  run("cmake --build " + (work / "build").string());

  const auto loaded = daemon.ctl({"load", (work / "build" / "threshold-policy.so").string()});
  REQUIRE(loaded.status == 0);
  CHECK(daemon.port("scale.app.desired") == json(1));
  CHECK(daemon.ctl({"set", "load.by_instance", R"({"app-1": 0.9})"}).status == 0);
  CHECK(eventually([&] { return daemon.port("scale.app.desired") == json(2); }));
  CHECK(daemon.ctl({"set", "load.by_instance", R"({"app-1": 1.0, "app-2": 1.0})"}).status == 0);
  CHECK(eventually([&] { return daemon.port("scale.app.desired") == json(3); }));
}
