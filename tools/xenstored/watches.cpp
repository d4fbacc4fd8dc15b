#include "watches.hpp"

#include <algorithm>
#include <cerrno>

#include "path.hpp"
#include "protocol_error.hpp"

namespace mirari::xenstored {

void Watches::add(ConnectionId owner, std::string path, std::string canonical, std::string token) {
  const bool exists = std::any_of(watches_.begin(), watches_.end(), [&](const Watch& watch) {
    return watch.owner == owner && watch.canonical == canonical && watch.token == token;
  });
  if (exists) throw ProtocolError(EEXIST, "watch " + canonical + " " + token + " already set");
  watches_.push_back({owner, std::move(path), std::move(canonical), std::move(token)});
}

void Watches::remove(ConnectionId owner, const std::string& canonical, const std::string& token) {
  const auto it = std::find_if(watches_.begin(), watches_.end(), [&](const Watch& watch) {
    return watch.owner == owner && watch.canonical == canonical && watch.token == token;
  });
  if (it == watches_.end()) {
    throw ProtocolError(ENOENT, "no watch " + canonical + " " + token);
  }
  watches_.erase(it);
}

void Watches::remove_all(ConnectionId owner) {
  std::erase_if(watches_, [owner](const Watch& watch) { return watch.owner == owner; });
}

std::vector<WatchEvent> Watches::fired_by(const Change& change) const {
  std::vector<WatchEvent> events;
  for (const auto& watch : watches_) {
    if (is_within(change.path, watch.canonical)) {
      const bool relative = watch.path.front() != '/' && !is_special_path(watch.path);
      events.push_back(
          {watch.owner, relative ? relative_to_home(change.path) : change.path, watch.token});
    } else if (change.removal && is_within(watch.canonical, change.path)) {
      events.push_back({watch.owner, watch.path, watch.token});
    }
  }
  return events;
}

}  // namespace mirari::xenstored
