#include <sstream>

#include "mirari/config.hpp"
#include "mirari/plugin.hpp"

namespace mirari {

std::string_view to_string(Kind kind) noexcept {
  switch (kind) {
    case Kind::watcher:
      return "watcher";
    case Kind::policy:
      return "policy";
    case Kind::reconfigurer:
      return "reconfigurer";
  }
  return "unknown";
}

std::string_view to_string(ConfigType type) noexcept {
  switch (type) {
    case ConfigType::boolean:
      return "boolean";
    case ConfigType::integer:
      return "integer";
    case ConfigType::number:
      return "number";
    case ConfigType::string:
      return "string";
    case ConfigType::strings:
      return "array of strings";
  }
  return "unknown";
}

ConfigType type_of(const ConfigValue& value) noexcept {
  return static_cast<ConfigType>(value.index());
}

namespace {
std::string quote(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}
}  // namespace

std::string to_toml(const ConfigValue& value) {
  struct Visitor {
    std::string operator()(bool b) const { return b ? "true" : "false"; }
    std::string operator()(std::int64_t i) const { return std::to_string(i); }
    std::string operator()(double d) const {
      std::ostringstream out;
      out << d;
      return out.str();
    }
    std::string operator()(const std::string& s) const { return quote(s); }
    std::string operator()(const std::vector<std::string>& items) const {
      std::string out = "[";
      for (std::size_t i = 0; i < items.size(); ++i) out += (i ? ", " : "") + quote(items[i]);
      return out + "]";
    }
  };
  return std::visit(Visitor{}, value);
}

}  // namespace mirari
