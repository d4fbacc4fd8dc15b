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
    case ConfigType::integers:
      return "array of integers";
    case ConfigType::numbers:
      return "array of numbers";
    case ConfigType::table:
      return "table";
    case ConfigType::tables:
      return "array of tables";
  }
  return "unknown";
}

std::string with_article(ConfigType type) {
  const std::string name(to_string(type));
  return (name[0] == 'i' || name[0] == 'a' ? "an " : "a ") + name;
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

// A key as TOML writes it: bare when it may be, else quoted.
std::string bare_or_quoted(const std::string& key) {
  const bool bare = !key.empty() && key.find_first_not_of(
                                        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                                        "0123456789_-") == std::string::npos;
  return bare ? key : quote(key);
}

// TOML text for each kind of value; a table inline.
struct TomlText {
  std::string operator()(bool b) const { return b ? "true" : "false"; }
  std::string operator()(std::int64_t i) const { return std::to_string(i); }
  std::string operator()(double d) const {
    std::ostringstream out;
    out << d;
    return out.str();
  }
  std::string operator()(const std::string& s) const { return quote(s); }
  std::string operator()(const Config& table) const {
    std::string out = "{";
    for (const auto& [key, value] : table.values()) {
      out += (out.size() > 1 ? ", " : "") + bare_or_quoted(key) + " = " + to_toml(value);
    }
    return out + "}";
  }
  template <class T>
  std::string operator()(const std::vector<T>& items) const {
    std::string out = "[";
    for (std::size_t i = 0; i < items.size(); ++i) out += (i ? ", " : "") + (*this)(items[i]);
    return out + "]";
  }
};

}  // namespace

std::string to_toml(const ConfigValue& value) {
  return std::visit(TomlText{}, value);
}

}  // namespace mirari
