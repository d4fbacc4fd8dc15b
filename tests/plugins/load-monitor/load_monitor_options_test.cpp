// The load monitor's configuration: taken whole, or refused naming the key.
#include <catch2/catch.hpp>

#include "load_monitor_options.hpp"

using mirari::Config;
using mirari::ConfigError;
using mirari::ConfigValue;
using mirari::load::load_monitor_config_keys;
using mirari::load::parse_options;
using mirari::load::parse_process;
using mirari::load::WatchedProcess;

namespace {
Config config(std::map<std::string, ConfigValue, std::less<>> values) {
  return mirari::check_config(load_monitor_config_keys(), std::move(values), "load-monitor");
}
}  // namespace

TEST_CASE("the defaults make a working configuration") {
  const auto options = parse_options(config({}));
  CHECK(options.socket == "/run/mirari/load.sock");
  CHECK(options.processes.empty());
  CHECK(options.sample_interval == std::chrono::milliseconds(1000));
  CHECK(options.window == 5);
}

TEST_CASE("processes entries are name:pid") {
  CHECK(parse_process("web-1:4242") == WatchedProcess{"web-1", 4242});
  CHECK(parse_process("ns:web:7") == WatchedProcess{"ns:web", 7});
  for (const char* bad : {"web-1", "web-1:", ":4242", "web-1:0", "web-1:-3", "web-1:12x",
                          "web 1:4242", "web-1:99999999999"}) {
    INFO(bad);
    CHECK_THROWS_AS(parse_process(bad), ConfigError);
  }
}

TEST_CASE("an unparseable processes entry is refused, quoting it") {
  CHECK_THROWS_WITH(parse_options(config({{"processes", std::vector<std::string>{"a:1", "b=2"}}})),
                    Catch::Contains("processes entry 'b=2'") && Catch::Contains("name:pid"));
}

TEST_CASE("an instance named twice is refused") {
  CHECK_THROWS_WITH(parse_options(config({{"processes", std::vector<std::string>{"a:1", "a:2"}}})),
                    "processes names instance 'a' twice");
}

TEST_CASE("window and sample interval must be positive") {
  CHECK_THROWS_WITH(parse_options(config({{"window", std::int64_t{0}}})),
                    "window must be between 1 and 10000 samples");
  CHECK_THROWS_WITH(parse_options(config({{"sample_interval_ms", std::int64_t{0}}})),
                    "sample_interval_ms must be between 1 and 3600000");
}

TEST_CASE("a socket path too long for a unix socket is refused") {
  CHECK_THROWS_WITH(parse_options(config({{"socket", "/tmp/" + std::string(200, 's')}})),
                    Catch::Contains("too long for a unix socket"));
  CHECK_THROWS_AS(parse_options(config({{"socket", std::string()}})), ConfigError);
}
