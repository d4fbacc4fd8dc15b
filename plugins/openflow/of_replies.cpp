#include "of_replies.hpp"

#include <algorithm>
#include <cstring>

namespace mirari::openflow {

PortNumbers port_numbers(const std::vector<wire::Bytes>& bodies) {
  PortNumbers out;
  for (const wire::Bytes& body : bodies) {
    for (std::size_t at = 0; at + 32 <= body.size();) {
      const std::uint16_t length = wire::get16(&body[at + 4]);
      if (length < 32 || at + length > body.size()) break;
      const char* name = reinterpret_cast<const char*>(&body[at + 16]);
      out.emplace(std::string(name, ::strnlen(name, 16)), wire::get32(&body[at]));
      at += length;
    }
  }
  return out;
}

std::string sorted_entries(const std::vector<wire::Bytes>& bodies,
                           std::initializer_list<Span> cleared) {
  std::vector<std::string> entries;
  for (const wire::Bytes& body : bodies) {
    for (std::size_t at = 0; at + 2 <= body.size();) {
      const std::uint16_t length = wire::get16(&body[at]);
      if (length < 2 || at + length > body.size()) break;
      std::string entry(reinterpret_cast<const char*>(&body[at]), length);
      for (const Span span : cleared) {
        for (std::size_t i = span.from; i < span.to && i < entry.size(); ++i) entry[i] = 0;
      }
      entries.push_back(std::move(entry));
      at += length;
    }
  }
  std::sort(entries.begin(), entries.end());
  std::string out;
  for (const std::string& entry : entries) out += entry;
  return out;
}

}  // namespace mirari::openflow
