// The fleet policy of the host's tests: declares structured settings (a table, an array of
// tables with a table and an array of tables in each, arrays of integers and numbers) and
// publishes what it received on "<name>.summary" (a string), so a test sees which values,
// defaults included, reached configure().
#include <cstdint>
#include <string>
#include <vector>

#include "mirari/mirari.hpp"
#include "mirari/plugin.hpp"

namespace {

using mirari::Config;
using mirari::ConfigKey;
using mirari::ConfigType;

std::string joined(const std::vector<std::int64_t>& items) {
  std::string out;
  for (std::int64_t item : items) out += (out.empty() ? "" : " ") + std::to_string(item);
  return out;
}

class Fleet final : public mirari::Plugin {
 public:
  static std::vector<ConfigKey> config_keys() {
    return {
        ConfigKey::optional("name", "fleet", "the summary is published on NAME.summary"),
        ConfigKey::optional("sizes", std::vector<std::int64_t>{1, 2}, "allowed group sizes"),
        ConfigKey::optional("weights", std::vector<double>{1.0}, "load weights"),
        ConfigKey::table("template",
                         {ConfigKey::optional("memory", 64, "MiB of each instance"),
                          ConfigKey::optional("kernel", "unikernel.img", "the image to boot")},
                         "what each instance runs unless its group says otherwise"),
        ConfigKey::tables(
            "groups",
            {ConfigKey::required("name", ConfigType::string, "the group's name"),
             ConfigKey::table("template", {ConfigKey::optional("memory", 64, "MiB")},
                              "the group's own template"),
             ConfigKey::tables("routers",
                               {ConfigKey::required("asn", ConfigType::integer, "its AS number")},
                               "the group's peer routers")},
            "the scaling groups"),
    };
  }

  void configure(const Config& config) override {
    name_ = config.get<std::string>("name");
    summary_ = "sizes=" + joined(config.integers("sizes")) +
               " weights=" + std::to_string(config.numbers("weights").size()) +
               " memory=" + std::to_string(config.table("template").get<std::int64_t>("memory")) +
               " kernel=" + config.table("template").get<std::string>("kernel");
    for (const Config& group : config.tables("groups")) {
      summary_ += " " + group.get<std::string>("name") + ":" +
                  std::to_string(group.table("template").get<std::int64_t>("memory"));
      for (const Config& router : group.tables("routers")) {
        summary_ += "/" + std::to_string(router.get<std::int64_t>("asn"));
      }
    }
  }

  void start(mirari::Context& ctx) override {
    ctx.publish(name_ + ".summary", ctx.graph().source<std::string>(summary_).signal());
  }

 private:
  std::string name_, summary_;
};

}  // namespace

MIRARI_PLUGIN(Fleet, "fleet", "1.0.0", mirari::Kind::policy,
              "publishes a summary of its structured settings")
