#include "switch_dump.hpp"

#include <algorithm>
#include <cctype>
#include <vector>

namespace mirari::openflow {

namespace {

std::vector<std::string_view> lines(std::string_view text) {
  std::vector<std::string_view> out;
  while (!text.empty()) {
    const std::size_t end = text.find('\n');
    out.push_back(text.substr(0, end));
    if (end == std::string_view::npos) break;
    text.remove_prefix(end + 1);
  }
  return out;
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) {
    text.remove_prefix(1);
  }
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) {
    text.remove_suffix(1);
  }
  return text;
}

// "OFPST_FLOW reply (OF1.4) (xid=0x2):", "NXST_FLOW reply (xid=0x4):"
bool reply_header(std::string_view line) {
  return line.find(" reply ") != std::string_view::npos && !line.empty() && line.back() == ':';
}

}  // namespace

std::string normalized_dump(std::string_view listing) {
  std::vector<std::string_view> rules;
  for (const std::string_view raw : lines(listing)) {
    const std::string_view line = trim(raw);
    if (!line.empty() && !reply_header(line)) rules.push_back(line);
  }
  std::sort(rules.begin(), rules.end());
  std::string out;
  for (const std::string_view rule : rules) {
    out.append(rule);
    out += '\n';
  }
  return out;
}

}  // namespace mirari::openflow
