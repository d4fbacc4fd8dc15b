// The configuration file: toml++'s reader, mirarid's checks of [daemon] and [plugins.*]
// (read_config), and every [plugins.NAME] table checked against declared keys of each type
// (check_plugin_table), tables and arrays of tables among them, at any depth. A ConfigFileError is
// the answer to a bad file; anything else escaping is a finding.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include "config_check.hpp"
#include "config_file.hpp"
#include "mirari/config.hpp"

namespace {

using namespace mirari::host;
using mirari::ConfigKey;
using mirari::ConfigType;

const std::vector<ConfigKey>& declared_keys() {
  static const std::vector<ConfigKey> keys = {
      ConfigKey::required("port", ConfigType::string, "a required string"),
      ConfigKey::optional("count", 3, "an integer"),
      ConfigKey::optional("ratio", 0.5, "a number"),
      ConfigKey::optional("enabled", true, "a boolean"),
      ConfigKey::optional("names", std::vector<std::string>{"a"}, "strings"),
      ConfigKey::optional("sizes", std::vector<std::int64_t>{1, 2}, "integers"),
      ConfigKey::optional("weights", std::vector<double>{0.5}, "numbers"),
      ConfigKey::table("template",
                       {ConfigKey::optional("memory", 64, "an integer in a table"),
                        ConfigKey::table("disk", {ConfigKey::optional("size", 1.5, "a number")},
                                         "a table in a table")},
                       "a table"),
      ConfigKey::tables(
          "groups",
          {ConfigKey::required("name", ConfigType::string, "a required string in each table"),
           ConfigKey::optional("weights", std::vector<double>{}, "numbers in each table"),
           ConfigKey::tables("routers", {ConfigKey::optional("asn", 64512, "an integer")},
                             "an array of tables in each table")},
          "an array of tables"),
  };
  return keys;
}

std::string temporary_file() {
  char name[] = "/tmp/mirari-fuzz-config-XXXXXX";
  const int fd = ::mkstemp(name);
  if (fd < 0) std::abort();
  ::close(fd);
  return name;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const std::string file = temporary_file();
  const std::string text(reinterpret_cast<const char*>(data), size);
  std::ofstream(file, std::ios::binary | std::ios::trunc) << text;
  try {
    read_config(file, ConfigOverrides{});
  } catch (const ConfigFileError&) {
  }

  toml::table root;
  try {
    root = toml::parse(text, file);
  } catch (const toml::parse_error&) {
    return 0;
  }
  const toml::table* plugins = root["plugins"].as_table();
  if (plugins == nullptr) return 0;
  for (auto&& [key, node] : *plugins) {
    const toml::table* values = node.as_table();
    if (values == nullptr) continue;
    PluginTable table{std::string(key.str()), "plugin.so", *values, file, values->source()};
    table.values.erase("file");
    try {
      check_plugin_table(table, declared_keys());
    } catch (const ConfigFileError&) {
    }
  }
  return 0;
}
