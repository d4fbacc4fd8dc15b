// The hold: a binding moves to a better device only once it has stayed, off a device that
// went at once; the clock going back restarts every hold.
#include <catch2/catch.hpp>

#include <string>

#include "device_choice.hpp"

namespace mirari::policies {
namespace {

namespace net = ports::net;

net::Link up_link(int index, const std::string& name, std::uint32_t speed) {
  net::Link l;
  l.index = index;
  l.name = name;
  l.up = true;
  l.carrier = true;
  l.speed_mbps = speed;
  return l;
}

DeviceChooser chooser(Millis hold_ms) {
  Binding b;
  b.name = "uplink";
  b.fastest = true;
  b.hold_ms = hold_ms;
  b.route.router = "A";
  return DeviceChooser(DevicePreferenceOptions{{b}, "routes.desired"});
}

const net::Links kOne{{2, up_link(2, "eth0", 100)}};
const net::Links kTwo{{2, up_link(2, "eth0", 100)}, {3, up_link(3, "eth1", 1000)}};

DeviceObservation at(const net::Links& links, Millis now) {
  return {links, {}, now};
}

TEST_CASE("devices there at start count as held") {
  const DeviceChooser c = chooser(1'000);
  CHECK(chosen(c.initial(at(kTwo, 0))) == Chosen{"eth1"});
}

TEST_CASE("a better device is taken once it has stayed hold_ms, not before") {
  const DeviceChooser c = chooser(1'000);
  ChoiceState s = c.initial(at(kOne, 0));
  s = c.step(s, at(kTwo, 100));
  CHECK(chosen(s) == Chosen{"eth0"});
  s = c.step(s, at(kTwo, 1'099));
  CHECK(chosen(s) == Chosen{"eth0"});
  s = c.step(s, at(kTwo, 1'100));
  CHECK(chosen(s) == Chosen{"eth1"});
}

TEST_CASE("leaving a device that went takes no hold, even toward a device not yet held") {
  const DeviceChooser c = chooser(1'000);
  ChoiceState s = c.initial(at({{3, up_link(3, "eth1", 1000)}}, 0));
  s = c.step(s, at(kTwo, 10));  // eth0 comes: worse, and not held
  s = c.step(s, at(kOne, 20));  // eth1 goes
  CHECK(chosen(s) == Chosen{"eth0"});
  s = c.step(s, at({}, 30));
  CHECK(chosen(s) == Chosen{std::nullopt});
}

TEST_CASE("a clock reading earlier than the last restarts the holds from it") {
  const DeviceChooser c = chooser(1'000);
  ChoiceState s = c.initial(at(kOne, 5'000));
  s = c.step(s, at(kTwo, 5'500));
  s = c.step(s, at(kTwo, 200));  // a reading from before the last: eth1 is held from 200
  CHECK(chosen(s) == Chosen{"eth0"});
  s = c.step(s, at(kTwo, 1'199));
  CHECK(chosen(s) == Chosen{"eth0"});
  s = c.step(s, at(kTwo, 1'200));
  CHECK(chosen(s) == Chosen{"eth1"});
}

}  // namespace
}  // namespace mirari::policies
