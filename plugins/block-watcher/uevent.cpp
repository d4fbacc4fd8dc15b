#include "uevent.hpp"

#include <algorithm>

namespace mirari::block {

std::string_view Uevent::get(std::string_view key) const {
  auto it = variables.find(key);
  return it != variables.end() ? std::string_view(it->second) : std::string_view();
}

std::string_view Uevent::name() const {
  std::string_view path = devpath;
  return path.substr(path.rfind('/') + 1);
}

std::optional<Uevent> parse_uevent(std::string_view datagram) {
  const std::size_t header_end = std::min(datagram.find('\0'), datagram.size());
  const std::string_view header = datagram.substr(0, header_end);
  const std::size_t at = header.find('@');
  if (at == std::string_view::npos || at == 0) return std::nullopt;
  const std::string_view devpath = header.substr(at + 1);
  if (devpath.size() < 2 || devpath.front() != '/' || devpath.back() == '/') return std::nullopt;

  Uevent event{std::string(header.substr(0, at)), std::string(devpath), {}};
  std::string_view rest = datagram.substr(std::min(header_end + 1, datagram.size()));
  while (!rest.empty()) {
    const std::size_t end = std::min(rest.find('\0'), rest.size());
    const std::string_view entry = rest.substr(0, end);
    rest.remove_prefix(std::min(end + 1, rest.size()));
    const std::size_t equals = entry.find('=');
    if (equals == std::string_view::npos || equals == 0) continue;
    event.variables.insert_or_assign(std::string(entry.substr(0, equals)),
                                     std::string(entry.substr(equals + 1)));
  }
  return event;
}

}  // namespace mirari::block
