// mirarictl: controls a running mirarid through its control socket.
#include <CLI/CLI.hpp>
#include <cstdlib>
#include <filesystem>
#include <iostream>

#include "bounded_json.hpp"
#include "control_client.hpp"
#include "human_output.hpp"

namespace fs = std::filesystem;
using mirari::host::ControlClient;
using mirari::host::ControlClientError;
using nlohmann::json;

namespace {

constexpr const char* kDefaultSocket = "/run/mirari/mirarid.sock";

struct Failure {
  std::string message;
};

json value_argument(const std::string& text) {
  try {
    return mirari::host::parse_bounded_json(text, mirari::host::kMaxRequestDepth - 1);
  } catch (const mirari::host::BadJson& e) {
    if (e.reason() == mirari::host::BadJson::Reason::syntax) {
      throw Failure{"'" + text + "' is not a JSON value (a string is written with quotes: '\"" +
                    text + "\"')"};
    }
    throw Failure{"VALUE is not a value mirarid takes: " + std::string(e.what())};
  }
}

void print(const std::string& cmd, const json& result, bool as_json) {
  if (as_json) {
    std::cout << result.dump() << std::endl;
  } else {
    std::cout << mirari::host::human_text(cmd, result) << std::flush;
  }
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"mirarictl: controls a running mirarid"};
  app.require_subcommand(1);
  // Global flags are taken after the subcommand too (`mirarictl plugins --json`), as people
  // type them; subcommands made below inherit this.
  app.fallthrough();
  const char* env_socket = std::getenv("MIRARI_SOCKET");
  std::string socket = env_socket != nullptr && *env_socket != '\0' ? env_socket : kDefaultSocket;
  bool as_json = false;
  app.add_option("--socket", socket,
                 "mirarid's control socket (default: $MIRARI_SOCKET, else " +
                     std::string(kDefaultSocket) + ")");
  app.add_flag("--json", as_json, "print results as JSON, for scripts");

  json request;
  std::string name, path, port, value;
  bool dot = false;
  const auto simple = [&](const char* cmd, const char* help) {
    app.add_subcommand(cmd, help)->callback([&request, cmd] { request = {{"cmd", cmd}}; });
  };
  simple("status", "the daemon's state");
  simple("plugins", "the loaded plugin instances");
  simple("nodes", "the graph's nodes");
  simple("ports", "the graph's ports, with what each means");
  simple("stats", "tick counts and tick duration percentiles");
  simple("metrics", "metrics in the Prometheus text format");

  auto* describe = app.add_subcommand("describe", "a plugin's configuration keys and ports");
  describe->add_option("NAME", name, "an instance's name, or a plugin file")->required();
  describe->callback([&] { request = {{"cmd", "describe"}, {"name", name}}; });

  auto* load = app.add_subcommand("load", "load a plugin file");
  load->add_option("PATH", path, "the plugin file (relative: here, else in the plugin dirs)")
      ->required();
  std::string as_name;
  load->add_option("--name", as_name, "the instance's name (default: the plugin's name)");
  load->callback([&] {
    std::error_code ec;
    const fs::path given = path;
    const fs::path file = fs::exists(given, ec) ? fs::absolute(given) : given;
    request = {{"cmd", "load"}, {"path", file.string()}};
    if (!as_name.empty()) request["name"] = as_name;
  });

  for (const char* cmd : {"unload", "reload"}) {
    auto* sub = app.add_subcommand(cmd, std::string(cmd) + " a plugin instance");
    sub->add_option("NAME", name, "the instance's name")->required();
    sub->callback([&request, &name, cmd] { request = {{"cmd", cmd}, {"name", name}}; });
  }

  auto* graph = app.add_subcommand("graph", "the graph's nodes and ports");
  graph->add_flag("--dot", dot, "as Graphviz DOT");
  graph->callback([&] { request = {{"cmd", "graph"}, {"dot", dot}}; });

  for (const char* cmd : {"get", "watch"}) {
    auto* sub = app.add_subcommand(
        cmd, std::string(cmd) == "get" ? "a signal port's value"
                                       : "a port's value, then each change, until interrupted");
    sub->add_option("PORT", port, "the port")->required();
    sub->callback([&request, &port, cmd] { request = {{"cmd", cmd}, {"port", port}}; });
  }
  for (const char* cmd : {"set", "emit"}) {
    auto* sub = app.add_subcommand(cmd, std::string(cmd) == "set"
                                            ? "set the source publishing a signal port"
                                            : "emit an occurrence on an event port's source");
    sub->add_option("PORT", port, "the port")->required();
    sub->add_option("VALUE", value, "a JSON value")->required();
    sub->callback([&request, &port, &value, cmd] {
      request = {{"cmd", cmd}, {"port", port}, {"value", value_argument(value)}};
    });
  }

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  } catch (const Failure& f) {
    std::cerr << "mirarictl: " << f.message << '\n';
    return 1;
  }

  const std::string cmd = request["cmd"];
  try {
    ControlClient client(socket);
    if (cmd == "watch") {
      request["id"] = 1;
      client.send_line(request.dump() + "\n");
      while (auto line = client.next()) {
        if (!line->value("ok", false)) throw ControlClientError(line->value("error", "failed"));
        print(cmd, (*line)["result"], as_json);
      }
      throw ControlClientError("mirarid closed the connection");
    }
    const json response = client.call(request);
    if (!response.value("ok", false)) {
      throw ControlClientError(response.value("error", std::string("the request failed")));
    }
    print(cmd, response["result"], as_json);
  } catch (const ControlClientError& e) {
    std::cerr << "mirarictl: " << e.what() << '\n';
    return 1;
  }
  return 0;
}
