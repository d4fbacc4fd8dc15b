#include "spec_rules.hpp"

#include <algorithm>

#include <mirari/ports/scaling.hpp>

namespace mirari::instances {

namespace {

bool is_word_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

bool is_variable_name(std::string_view name) {
  return !name.empty() && !(name.front() >= '0' && name.front() <= '9') &&
         std::all_of(name.begin(), name.end(), is_word_char);
}

bool has_nul(std::string_view text) {
  return text.find('\0') != std::string_view::npos;
}

}  // namespace

bool is_slot_name(std::string_view name) {
  return name.size() <= kMaxSlotNameLength && ports::is_group_name(name);
}

std::optional<SpecProblem> spec_problem(const InstanceSpec& spec) {
  if (spec.command.empty()) return SpecProblem{"command", "the command is empty"};
  if (spec.command.front() != '/') {
    return SpecProblem{"command", "the command '" + spec.command + "' is not an absolute path"};
  }
  if (has_nul(spec.command)) return SpecProblem{"command", "the command holds a NUL byte"};
  for (const std::string& arg : spec.args) {
    if (has_nul(arg)) return SpecProblem{"args", "an argument holds a NUL byte"};
  }
  for (const std::string& entry : spec.env) {
    const std::size_t equals = entry.find('=');
    if (equals == std::string::npos || has_nul(entry) ||
        !is_variable_name(std::string_view(entry).substr(0, equals))) {
      return SpecProblem{"env", "environment entry '" + entry + "' is not NAME=value"};
    }
  }
  return std::nullopt;
}

}  // namespace mirari::instances
