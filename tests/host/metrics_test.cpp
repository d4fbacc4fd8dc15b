// prometheus_text: the text exposition format, with escaped labels.
#include <catch2/catch.hpp>

#include "metrics.hpp"

using namespace mirari::host;

TEST_CASE("each family has its help and type, then its samples") {
  Metrics m;
  m.graph.ticks = 12;
  m.graph.nodes = 40;
  m.ticks.count = 12;
  m.ticks.total_ns = 1'500'000'000;
  m.ticks.p50_ns = 250'000;
  m.instances.push_back({"scaler", "cpu-scaler", 3, 1});
  const std::string text = prometheus_text(m);
  CHECK(text.find("# HELP mirari_ticks_total Ticks committed by the graph.\n"
                  "# TYPE mirari_ticks_total counter\n"
                  "mirari_ticks_total 12\n") == 0);
  CHECK(text.find("mirari_nodes 40\n") != std::string::npos);
  CHECK(text.find("# TYPE mirari_tick_duration_seconds summary\n") != std::string::npos);
  CHECK(text.find("mirari_tick_duration_seconds{quantile=\"0.5\"} 0.00025\n") != std::string::npos);
  CHECK(text.find("mirari_tick_duration_seconds_sum 1.5\n") != std::string::npos);
  CHECK(text.find("mirari_plugin_reloads_total{instance=\"scaler\",plugin=\"cpu-scaler\"} 3\n") !=
        std::string::npos);
  CHECK(text.find("mirari_plugin_work_in_flight{instance=\"scaler\",plugin=\"cpu-scaler\"} 1\n") !=
        std::string::npos);
}

TEST_CASE("label values are escaped") {
  Metrics m;
  m.instances.push_back({"a\"b\\c\nd", "p", 0, 0});
  CHECK(prometheus_text(m).find("instance=\"a\\\"b\\\\c\\nd\"") != std::string::npos);
}
