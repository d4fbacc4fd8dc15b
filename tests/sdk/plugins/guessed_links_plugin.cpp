// A plugin that, instead of using the SDK's port catalogue, declares the type of net.links by
// hand from its JSON form, with the right stable name. Built two ways, each wrong in its own
// way, and a port must refuse both:
// - GUESSED_FIELDS: every field declared (MIRARI_TYPE), the speed guessed as a plain 64-bit
//   number where the catalogue has an optional 32-bit one;
// - otherwise: the name alone (MIRARI_TYPE_NAME), and no addresses (the guess left them out).
#include <cstdint>
#include <string>
#include <vector>

#include <mirari/mirari.hpp>
#include <mirari/plugin.hpp>

namespace guessed {

enum class Family { ipv4, ipv6 };
enum class OperState { unknown, not_present, down, lower_layer_down, testing, dormant, up };

struct Address {
  Family family = Family::ipv4;
  std::string address;
  int prefix_length = 0;
  bool operator==(const Address&) const = default;
};

struct Link {
  int index = 0;
  std::string name;
  std::string kind;
  std::string mac;
  std::uint32_t mtu = 0;
  bool up = false;
  bool carrier = false;
  OperState oper_state = OperState::unknown;
  std::uint64_t speed_mbps = 0;
#if defined(GUESSED_FIELDS)
  std::vector<Address> addresses;
#endif
  bool operator==(const Link&) const = default;
};

}  // namespace guessed

#if defined(GUESSED_FIELDS)
MIRARI_ENUM(guessed::Family, "ip.family", ipv4, ipv6)
MIRARI_ENUM(guessed::OperState, "net.oper_state", unknown, not_present, down, lower_layer_down,
            testing, dormant, up)
MIRARI_TYPE(guessed::Address, "net.address", family, address, prefix_length)
MIRARI_TYPE(guessed::Link, "net.link", index, name, kind, mac, mtu, up, carrier, oper_state,
            speed_mbps, addresses)
#else
MIRARI_TYPE_NAME(guessed::Link, "net.link")
#endif

namespace {

class GuessedLinks final : public mirari::Plugin {
 public:
  void start(mirari::Context& ctx) override {
    using Links = mirari::Table<int, guessed::Link>;
    ctx.publish("test.fastest_speed",
                mirari::map(ctx.subscribe<Links>("net.links"), [](const Links& links) {
                  std::uint64_t fastest = 0;
                  for (const auto& [index, link] : links) {
                    fastest = std::max(fastest, link.speed_mbps);
                  }
                  return fastest;
                }));
  }
};

}  // namespace

MIRARI_PLUGIN(GuessedLinks, "guessed-links", "1.0.0", mirari::Kind::policy,
              "reads net.links through a type declared by hand")
