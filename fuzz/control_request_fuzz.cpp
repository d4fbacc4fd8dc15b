// The control protocol as mirarid serves it: each line of the input is one request line from
// a client, read as the control socket reads it (parse_bounded_json), answered by the real
// ControlCommands against a graph holding ports of several types, and every response
// serialised as the socket writes it. Commands that open plugin files (load, describe) or
// act on instances (unload, reload) are left out: there are none, and files are not the
// input here. Anything but a response, a rejected input or a PortError is a finding.
#include <boost/asio/io_context.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "bounded_json.hpp"
#include "control_commands.hpp"
#include "logging.hpp"
#include "mirari/mirari.hpp"
#include "plugin_executor.hpp"
#include "plugin_manager.hpp"
#include "status_board.hpp"
#include "tick_runner.hpp"

namespace {

using namespace mirari::host;
using nlohmann::json;

class Peer final : public ControlPeer {
 public:
  void send(const json& response) override {
    (void)response.dump(-1, ' ', false, json::error_handler_t::replace);
  }
  void on_disconnect(std::function<void()> cleanup) override {
    cleanups.push_back(std::move(cleanup));
  }
  std::uint64_t number() const noexcept override { return 1; }
  std::vector<std::function<void()>> cleanups;
};

struct Daemon {
  boost::asio::io_context io;
  boost::asio::any_io_executor strand = boost::asio::make_strand(io);
  boost::asio::thread_pool workers{1};
  WorkRegistry work;
  Logging logging{spdlog::level::off};
  DaemonConfig config;
  mirari::Graph graph;
  TickRunner ticks{graph, strand, [](const mirari::NodeError&) {}};
  PluginManager plugins{
      graph, strand, workers, work, logging, PluginManager::Settings{}, [](const std::string&) {
        return nullptr;
      }};
  StatusBoard board;
  ControlCommands commands{graph, plugins, ticks, config, board, "/nonexistent"};

  Daemon() {
    // Ticks are run here, by hand: nothing is posted to the never-running io_context.
    graph.set_wakeup(nullptr);
    graph.publish("p.int", graph.source<std::int64_t>(0).signal());
    graph.publish("p.double", graph.source<double>(0).signal());
    graph.publish("p.text", graph.source<std::string>("").signal());
    graph.publish("p.list", graph.source<std::vector<std::string>>({}).signal());
    graph.publish("p.map", graph.source<std::map<std::string, double>>({}).signal());
    graph.publish("p.nested",
                  graph.source<std::map<std::string, std::vector<std::int64_t>>>({}).signal());
    graph.publish("e.int", graph.event_source<std::int64_t>().event());
    graph.publish("e.list", graph.event_source<std::vector<std::int64_t>>().event());
  }
};

bool touches_files(const json& request) {
  if (!request.is_object()) return false;
  auto cmd = request.find("cmd");
  if (cmd == request.end() || !cmd->is_string()) return false;
  const auto& name = cmd->get_ref<const std::string&>();
  return name == "load" || name == "describe" || name == "unload" || name == "reload";
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static Daemon daemon;
  auto peer = std::make_shared<Peer>();
  std::string_view input(reinterpret_cast<const char*>(data), size);
  while (!input.empty()) {
    const auto end = input.find('\n');
    const std::string_view line = input.substr(0, end);
    input.remove_prefix(end == std::string_view::npos ? input.size() : end + 1);
    json request;
    try {
      request = parse_bounded_json(line);
    } catch (const BadJson&) {
      continue;
    }
    if (touches_files(request)) continue;
    if (!daemon.commands.answer_here(request, *peer)) daemon.commands.run(request, peer);
    daemon.graph.run_until_idle(64);
  }
  for (auto& cleanup : peer->cleanups) cleanup();
  daemon.graph.run_until_idle(64);
  return 0;
}
