// A plugin whose I/O makes an Asio service that nothing else uses, so the service's code is
// this library's: Asio keeps it in the worker pool until the pool is destroyed, and calls its
// shutdown() then, after the plugin has been unloaded. shutdown() writes the file `marker`,
// which tells the test this library's code ran at that point.
#include <boost/asio/execution/context.hpp>
#include <boost/asio/execution_context.hpp>
#include <boost/asio/query.hpp>
#include <fstream>
#include <string>
#include <vector>

#include "mirari/mirari.hpp"
#include "mirari/plugin.hpp"

namespace {

class MarkerService final : public boost::asio::execution_context::service {
 public:
  static boost::asio::execution_context::id id;
  explicit MarkerService(boost::asio::execution_context& context) : service(context) {}
  std::string marker;

 private:
  void shutdown() override { std::ofstream(marker) << "shut down\n"; }
};

boost::asio::execution_context::id MarkerService::id;

class ServiceMaker final : public mirari::Plugin {
 public:
  static std::vector<mirari::ConfigKey> config_keys() {
    return {mirari::ConfigKey::required("marker", mirari::ConfigType::string,
                                        "the file the service writes when the pool shuts it down")};
  }

  void configure(const mirari::Config& config) override {
    marker_ = config.get<std::string>("marker");
  }

  void start(mirari::Context& ctx) override {
    auto& context = boost::asio::query(ctx.io(), boost::asio::execution::context);
    boost::asio::use_service<MarkerService>(context).marker = marker_;
  }

 private:
  std::string marker_;
};

}  // namespace

MIRARI_PLUGIN(ServiceMaker, "service-maker", "1.0.0", mirari::Kind::watcher,
              "makes an Asio service of its own on the worker pool")
