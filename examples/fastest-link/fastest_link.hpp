// A policy that names the fastest usable link: which of the host's links traffic should use, read
// from the net watcher's port through the SDK's port catalogue (mirari/ports/net.hpp).
//
// Ports: subscribes net.links (mirari::ports::net::Links); publishes net.preferred_link
// (string): the name of the usable link with the highest speed, "" while none is usable. A
// link is usable when it is up, has a carrier and its name starts with one of `prefixes`
// (every link but the loopback when `prefixes` is empty). A link whose driver reports no speed
// counts as 0 Mbit/s; among equal speeds the lowest ifindex wins, so the choice is stable.
#pragma once

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include <mirari/mirari.hpp>
#include <mirari/plugin.hpp>
#include <mirari/ports/net.hpp>

namespace example {

namespace net = mirari::ports::net;

inline constexpr const char* kPreferredLink = "net.preferred_link";

inline bool usable(const net::Link& link, const std::vector<std::string>& prefixes) {
  if (!link.up || !link.carrier) return false;
  if (prefixes.empty()) return link.name != "lo";
  return std::any_of(prefixes.begin(), prefixes.end(),
                     [&](const std::string& p) { return link.name.starts_with(p); });
}

// The name of the preferred link of links, or "" when none is usable.
inline std::string preferred_link(const net::Links& links,
                                  const std::vector<std::string>& prefixes) {
  const net::Link* best = nullptr;
  for (const auto& [index, link] : links) {
    if (!usable(link, prefixes)) continue;
    const std::uint32_t speed = link.speed_mbps.value_or(0);
    const std::uint32_t best_speed = best ? best->speed_mbps.value_or(0) : 0;
    if (best == nullptr || speed > best_speed || (speed == best_speed && index < best->index)) {
      best = &link;
    }
  }
  return best ? best->name : std::string();
}

class FastestLink final : public mirari::Plugin {
 public:
  static std::vector<mirari::ConfigKey> config_keys() {
    return {mirari::ConfigKey::optional("prefixes", std::vector<std::string>(),
                                        "name prefixes of the links to choose from, such as "
                                        "\"eth\"; empty for every link but lo")};
  }

  // The ports it uses, with their types taken from the catalogue: `mirarid --describe` prints
  // them, and mirarid warns about any port the plugin uses without declaring it.
  static std::vector<mirari::PortDecl> ports() {
    using mirari::PortDecl;
    return {PortDecl::subscribes<net::Links>(net::kLinks, "the links to choose from"),
            PortDecl::publishes<std::string>(
                kPreferredLink, "the name of the fastest usable link; \"\" while none is")};
  }

  void configure(const mirari::Config& c) override {
    prefixes_ = c.get<std::vector<std::string>>("prefixes");
  }

  // Subscribing works before any net watcher runs: the table is empty (so the choice is "")
  // until one publishes it, and the choice follows it from then on.
  void start(mirari::Context& ctx) override {
    auto links = ctx.subscribe<net::Links>(net::kLinks);
    auto preferred = mirari::map(
        links, [prefixes = prefixes_](const net::Links& l) { return preferred_link(l, prefixes); });
    ctx.publish(kPreferredLink, preferred.named("preferred"));
  }

 private:
  std::vector<std::string> prefixes_;
};

}  // namespace example
