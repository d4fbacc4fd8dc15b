// Filling in the named fields ("{dir}", "{bridge}") of the scenarios' TOML configurations.
#pragma once

#include <string>

namespace mirari::scenario {

// text with every occurrence of token replaced by with (which may contain token).
inline std::string replace_all(std::string text, const std::string& token,
                               const std::string& with) {
  for (auto at = text.find(token); at != std::string::npos;
       at = text.find(token, at + with.size())) {
    text.replace(at, token.size(), with);
  }
  return text;
}

}  // namespace mirari::scenario
