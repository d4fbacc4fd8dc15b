// The plugin template, as its author uses it: built out of tree against the installed SDK,
// hot-loaded into a running mirarid, driven and watched with mirarictl.
#include <catch2/catch.hpp>

#include <filesystem>
#include <string>

#include "daemon.hpp"
#include "out_of_tree.hpp"

using mirari::test::Daemon;
using mirari::test::eventually;
using nlohmann::json;

TEST_CASE("the template builds out of tree and hot-loads into a running mirarid") {
  Daemon daemon;
  const std::filesystem::path work = daemon.dir() / "template";
  mirari::test::install_build(MIRARI_BUILD_DIR, work / "prefix");
  mirari::test::build_against(MIRARI_TEMPLATE_DIR, work / "build", work / "prefix");

  const auto loaded = daemon.ctl({"load", (work / "build" / "threshold-policy.so").string()});
  REQUIRE(loaded.status == 0);
  CHECK(daemon.port("scale.app.desired") == json(1));
  CHECK(daemon.ctl({"set", "load.by_instance", R"({"app-1": 0.9})"}).status == 0);
  CHECK(eventually([&] { return daemon.port("scale.app.desired") == json(2); }));
  CHECK(daemon.ctl({"set", "load.by_instance", R"({"app-1": 1.0, "app-2": 1.0})"}).status == 0);
  CHECK(eventually([&] { return daemon.port("scale.app.desired") == json(3); }));
}
