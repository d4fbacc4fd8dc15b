#include "link_speed.hpp"

#include <linux/ethtool.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <system_error>

#include "rtnetlink/netns.hpp"

namespace mirari::net {

namespace {

// ETHTOOL_GLINKSETTINGS: the settings, followed by three link-mode bitmaps whose size the
// kernel tells on a first call (as a negative word count).
constexpr std::size_t kMaxMaskWords = 127;  // the largest count the u8-sized field allows
struct LinkSettingsRequest {
  alignas(ethtool_link_settings) std::array<
      std::byte, sizeof(ethtool_link_settings) + 3 * kMaxMaskWords * sizeof(__u32)> bytes{};

  ethtool_link_settings settings() const {
    ethtool_link_settings s;
    std::memcpy(&s, bytes.data(), sizeof s);
    return s;
  }
  void set(const ethtool_link_settings& s) { std::memcpy(bytes.data(), &s, sizeof s); }
};

bool ask(int socket, const std::string& name, LinkSettingsRequest& request) {
  ifreq ifr{};
  std::strncpy(ifr.ifr_name, name.c_str(), IFNAMSIZ - 1);
  ifr.ifr_data = reinterpret_cast<char*>(request.bytes.data());
  return ::ioctl(socket, SIOCETHTOOL, &ifr) == 0;
}

}  // namespace

LinkSpeeds LinkSpeeds::open(const std::string& netns) {
  UniqueFd socket;
  rtnetlink::in_netns(netns, [&] {
    socket.reset(::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
    if (!socket) {
      throw std::system_error(errno, std::generic_category(),
                              "cannot open a socket to read link speeds");
    }
  });
  return LinkSpeeds(std::move(socket));
}

std::optional<std::uint32_t> LinkSpeeds::speed_mbps(const std::string& name) const {
  if (name.empty() || name.size() >= IFNAMSIZ) return std::nullopt;
  LinkSettingsRequest request;
  ethtool_link_settings s{};
  s.cmd = ETHTOOL_GLINKSETTINGS;
  request.set(s);
  if (!ask(socket_.get(), name, request)) return std::nullopt;
  s = request.settings();
  if (s.link_mode_masks_nwords < 0) {
    const auto words = static_cast<std::size_t>(-s.link_mode_masks_nwords);
    if (words > kMaxMaskWords) return std::nullopt;
    s.cmd = ETHTOOL_GLINKSETTINGS;
    s.link_mode_masks_nwords = static_cast<__s8>(words);
    request.set(s);
    if (!ask(socket_.get(), name, request)) return std::nullopt;
    s = request.settings();
  }
  if (s.speed == 0 || s.speed == static_cast<__u32>(SPEED_UNKNOWN)) return std::nullopt;
  return s.speed;
}

}  // namespace mirari::net
