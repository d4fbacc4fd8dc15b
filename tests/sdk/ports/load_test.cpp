// The catalogue's load types (mirari/ports/load.hpp): JSON forms that tools read back.
#include <catch2/catch.hpp>

#include "mirari/ports/load.hpp"

namespace mirari::ports::load {
namespace {

TEST_CASE("a sample's JSON names every field and its source") {
  const LoadSample sample{"web-1", kLoadKey, 0.75, LoadSample::Source::xenstore};
  CHECK(nlohmann::json(sample) == nlohmann::json::parse(
                                      R"({"instance": "web-1", "key": "load", "value": 0.75,
                                          "source": "xenstore"})"));
  CHECK(nlohmann::json(sample).get<LoadSample>() == sample);
}

TEST_CASE("loads and reports are objects keyed by instance") {
  const InstanceReports reports{{"web-1", {{kCpuKey, 0.5}, {kLoadKey, 0.75}}}};
  CHECK(nlohmann::json(reports) ==
        nlohmann::json::parse(R"({"web-1": {"cpu": 0.5, "load": 0.75}})"));
  CHECK(nlohmann::json(reports).get<InstanceReports>() == reports);
  const LoadByInstance loads{{"web-1", 0.75}};
  CHECK(nlohmann::json(loads) == nlohmann::json::parse(R"({"web-1": 0.75})"));
}

}  // namespace
}  // namespace mirari::ports::load
