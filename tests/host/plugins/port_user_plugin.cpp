// A plugin of the host's tests that declares some of the ports it uses and not others: it
// subscribes counter.ticks and publishes level.<group> (both declared, the second through the
// {group} placeholder), publishes the port its `undeclared` key names and subscribes
// side.input twice (neither declared).
#include <cstdint>
#include <string>
#include <vector>

#include "mirari/mirari.hpp"
#include "mirari/plugin.hpp"

namespace {

class PortUser final : public mirari::Plugin {
 public:
  static std::vector<mirari::ConfigKey> config_keys() {
    using mirari::ConfigKey;
    return {ConfigKey::optional("group", "web", "names the level port: level.<group>"),
            ConfigKey::optional("undeclared", "side.output",
                                "a port (int64) it publishes without declaring it")};
  }

  static std::vector<mirari::PortDecl> ports() {
    using mirari::PortDecl;
    return {
        PortDecl::subscribes_events<std::int64_t>("counter.ticks", "ticks that raise the level"),
        PortDecl::publishes<std::int64_t>("level.{group}", "ticks seen so far by the group")};
  }

  void configure(const mirari::Config& config) override {
    group_ = config.get<std::string>("group");
    undeclared_ = config.get<std::string>("undeclared");
  }

  void start(mirari::Context& ctx) override {
    auto ticks = ctx.subscribe_events<std::int64_t>("counter.ticks");
    auto level =
        mirari::fold(ticks, std::int64_t{0}, [](std::int64_t n, std::int64_t) { return n + 1; });
    ctx.publish("level." + group_, level);
    ctx.publish(undeclared_, ctx.graph().source<std::int64_t>(7).signal());
    ctx.subscribe<std::int64_t>("side.input");
    ctx.subscribe<std::int64_t>("side.input");
  }

 private:
  std::string group_, undeclared_;
};

}  // namespace

MIRARI_PLUGIN(PortUser, "port-user", "1.0.0", mirari::Kind::policy,
              "uses two ports it declares and two it does not")
