#include "net_watcher.hpp"

#include <memory>

#include "link_speed.hpp"

namespace mirari::net {

namespace {
LinkModel model_for(const std::string& netns) {
  auto speeds = std::make_shared<const LinkSpeeds>(LinkSpeeds::open(netns));
  return LinkModel([speeds](const std::string& name) { return speeds->speed_mbps(name); });
}
}  // namespace

NetWatcher::NetWatcher(boost::asio::any_io_executor io, rtnetlink::MirrorOptions options)
    : mirror_(std::move(io), options, model_for(options.netns)) {}

}  // namespace mirari::net
