// Reading JSON that comes from outside the daemon (control request lines, command-line values,
// responses read by a client) so that no input can crash the reader.
//
// Invariant: a value returned by parse_bounded_json nests arrays and objects at most max_depth
// deep, so copying, comparing or dumping it never recurses further than that; every way a
// text can fail to be such a value (syntax, invalid UTF-8, a number out of a double's range,
// nesting) is reported as BadJson, never as another exception.
#pragma once

#include <cstddef>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <string_view>

namespace mirari::host {

// The deepest nesting a control request may hold (its own object counts as one level).
inline constexpr std::size_t kMaxRequestDepth = 64;

// what() is one sentence fit for a user, without a prefix: "not JSON: ...", "a number out of
// range: ...", "arrays and objects nested deeper than 64 levels".
class BadJson : public std::runtime_error {
 public:
  enum class Reason { syntax, range, depth };
  BadJson(Reason reason, const std::string& what) : std::runtime_error(what), reason_(reason) {}
  Reason reason() const noexcept { return reason_; }

 private:
  Reason reason_;
};

// The JSON value in text. Nesting is checked before anything is built. Throws BadJson.
nlohmann::json parse_bounded_json(std::string_view text, std::size_t max_depth = kMaxRequestDepth);

}  // namespace mirari::host
