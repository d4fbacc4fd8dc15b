// Matching a port's name against a plugin's declarations. A pattern is literal text and
// {key} placeholders; a placeholder is the configured text of key when the configuration
// has a string there, else any non-empty run of characters without '.'.
#include "mirari/port_declaration.hpp"

namespace mirari {

std::string_view to_string(PortKind kind) noexcept {
  switch (kind) {
    case PortKind::signal:
      return "signal";
    case PortKind::event:
      return "event";
    case PortKind::table:
      return "table";
  }
  return "unknown";
}

std::string_view to_string(PortDirection direction) noexcept {
  switch (direction) {
    case PortDirection::publishes:
      return "publishes";
    case PortDirection::subscribes:
      return "subscribes";
  }
  return "unknown";
}

namespace {

// The rest of pattern against the rest of name; placeholders already substituted where the
// configuration gives them, so a '{' left is a free component.
bool matches(std::string_view pattern, std::string_view name) {
  while (!pattern.empty()) {
    if (pattern.front() != '{') {
      if (name.empty() || name.front() != pattern.front()) return false;
      pattern.remove_prefix(1);
      name.remove_prefix(1);
      continue;
    }
    const std::size_t close = pattern.find('}');
    if (close == std::string_view::npos) return pattern == name;  // no placeholder: literal
    pattern.remove_prefix(close + 1);
    // One or more characters of one component, the shortest that lets the rest match.
    for (std::size_t taken = 1; taken <= name.size() && name[taken - 1] != '.'; ++taken) {
      if (matches(pattern, name.substr(taken))) return true;
    }
    return false;
  }
  return name.empty();
}

}  // namespace

std::string resolve_port_name(const std::string& pattern, const Config& config) {
  std::string out;
  std::size_t at = 0;
  while (at < pattern.size()) {
    const std::size_t open = pattern.find('{', at);
    const std::size_t close = open == std::string::npos ? open : pattern.find('}', open);
    if (close == std::string::npos) break;
    out.append(pattern, at, open - at);
    const std::string key = pattern.substr(open + 1, close - open - 1);
    const auto value = config.values().find(key);
    if (value != config.values().end() && std::holds_alternative<std::string>(value->second)) {
      out += std::get<std::string>(value->second);
    } else {
      out.append(pattern, open, close - open + 1);
    }
    at = close + 1;
  }
  if (at < pattern.size()) out.append(pattern, at);
  return out;
}

bool port_matches(const PortDecl& declared, std::string_view port, const Config& config) {
  return matches(resolve_port_name(declared.name, config), port);
}

const PortDecl* find_port(const std::vector<PortDecl>& declared, std::string_view port,
                          const Config& config, std::optional<PortDirection> direction) {
  for (const PortDecl& d : declared) {
    if (direction && d.direction != *direction) continue;
    if (port_matches(d, port, config)) return &d;
  }
  return nullptr;
}

}  // namespace mirari
