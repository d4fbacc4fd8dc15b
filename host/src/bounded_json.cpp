#include "bounded_json.hpp"

#include <string>

namespace mirari::host {

namespace {

// Whether text nests arrays and objects deeper than limit, counting brackets outside strings.
// For a text the parser accepts this is exact; for one it refuses, the parser never builds
// more than the valid prefix it read, whose nesting is counted here the same way.
bool deeper_than(std::string_view text, std::size_t limit) {
  std::size_t depth = 0;
  bool in_string = false, escaped = false;
  for (const char c : text) {
    if (in_string) {
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > limit) return true;
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  return false;
}

}  // namespace

nlohmann::json parse_bounded_json(std::string_view text, std::size_t max_depth) {
  if (deeper_than(text, max_depth)) {
    throw BadJson(BadJson::Reason::depth,
                  "arrays and objects nested deeper than " + std::to_string(max_depth) + " levels");
  }
  try {
    return nlohmann::json::parse(text);
  } catch (const nlohmann::json::parse_error& e) {
    throw BadJson(BadJson::Reason::syntax, std::string("not JSON: ") + e.what());
  } catch (const nlohmann::json::out_of_range& e) {
    throw BadJson(BadJson::Reason::range, std::string("a number out of range: ") + e.what());
  } catch (const nlohmann::json::exception& e) {
    throw BadJson(BadJson::Reason::syntax, std::string("not JSON: ") + e.what());
  }
}

}  // namespace mirari::host
