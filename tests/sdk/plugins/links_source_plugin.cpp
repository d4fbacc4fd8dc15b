// A stand-in for the net watcher in the port layout tests: publishes net.links, typed from the
// SDK's port catalogue, holding two usable links (eth0 at 1000 Mbit/s, eth1 at 10000) and lo.
#include <mirari/mirari.hpp>
#include <mirari/plugin.hpp>
#include <mirari/ports/net.hpp>

namespace {

namespace net = mirari::ports::net;

net::Link link(int index, const char* name, std::optional<std::uint32_t> speed) {
  net::Link l;
  l.index = index;
  l.name = name;
  l.mtu = 1500;
  l.up = true;
  l.carrier = true;
  l.oper_state = net::OperState::up;
  l.speed_mbps = speed;
  return l;
}

class LinksSource final : public mirari::Plugin {
 public:
  void start(mirari::Context& ctx) override {
    const net::Links links{
        {1, link(1, "lo", std::nullopt)}, {2, link(2, "eth0", 1000)}, {3, link(3, "eth1", 10000)}};
    ctx.publish(net::kLinks, ctx.graph().source<net::Links>(links).signal());
  }
};

}  // namespace

MIRARI_PLUGIN(LinksSource, "links-source", "1.0.0", mirari::Kind::watcher,
              "publishes a fixed net.links table")
