// The control commands are one table: the daemon's dispatch, mirarictl's usage and its human
// output all read it.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>
#include <set>

#include "control_command_table.hpp"
#include "human_output.hpp"

namespace mirari::host {
namespace {

using nlohmann::json;

TEST_CASE("every command is listed once, with help, a handler and a human text") {
  std::set<std::string_view> names;
  for (const ControlCommand& command : control_commands()) {
    CHECK(names.insert(command.name).second);
    CHECK_FALSE(command.help.empty());
    CHECK(command.run != nullptr);
    CHECK(command.human != nullptr);
    CHECK(find_control_command(command.name) == &command);
  }
  CHECK(control_command_names() ==
        "status, plugins, describe, load, unload, reload, nodes, ports, graph, get, watch, set, "
        "emit, stats, metrics");
  CHECK(find_control_command("frobnicate") == nullptr);
}

TEST_CASE("a request's arguments are checked from the command's entry") {
  const auto error = [](const char* cmd, const json& request) {
    return argument_error(*find_control_command(cmd), request);
  };
  CHECK(error("unload", json::object()) == R"('unload' needs a string "name")");
  CHECK(error("unload", {{"name", 3}}) == R"('unload' needs a string "name")");
  CHECK(error("unload", {{"name", "a"}}).empty());
  CHECK(error("set", {{"port", "p"}}) == R"('set' needs a "value")");
  CHECK(error("set", {{"port", "p"}, {"value", nullptr}}).empty());
  CHECK(error("load", {{"path", "a.so"}, {"name", 1}}) == R"('load' needs a string "name")");
  CHECK(error("load", {{"path", "a.so"}, {"config", json::array()}}) ==
        R"('load': "config" is a JSON object (the plugin's settings))");
  CHECK(error("load", {{"path", "a.so"}, {"config", {{"a", 1}}}}).empty());
  CHECK(error("graph", {{"dot", "yes"}}) == R"('graph': "dot" is true or false)");
  CHECK(error("status", json::object()).empty());
}

TEST_CASE("only status is answered off the graph's thread, only watch streams") {
  for (const ControlCommand& command : control_commands()) {
    CHECK(command.answered_anywhere == (command.name == "status"));
    CHECK(command.streams == (command.name == "watch"));
  }
}

TEST_CASE("each command's result reads as its table entry says") {
  CHECK(human_text("load", {{"name", "a"}, {"plugin", "p"}, {"version", "1"}, {"file", "/f"}}) ==
        "loaded a (p 1) from /f\n");
  CHECK(human_text("unload", {{"name", "a"}}) == "unloaded a\n");
  CHECK(human_text("set", nullptr).empty());
  CHECK(human_text("metrics", "m 1\n") == "m 1\n");
}

}  // namespace
}  // namespace mirari::host
