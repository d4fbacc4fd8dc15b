// What names an instance's network attachment: derived from the group and the serial alone,
// so a restarted manager finds them; the host end fits an interface name; the ovs-vsctl
// commands that put the port on an Open vSwitch bridge and take it off.
#include <catch2/catch.hpp>

#include <set>
#include <string>
#include <vector>

#include "instance_name.hpp"
#include "network_attachment.hpp"

using mirari::instances::namespace_name;
using mirari::instances::NetworkSettings;
using mirari::instances::ovs_add_port_command;
using mirari::instances::ovs_del_port_command;
using mirari::instances::port_name;
using mirari::instances::serial_of;
using mirari::instances::SwitchKind;

TEST_CASE("an instance's namespace and port are named after its group and serial") {
  CHECK(namespace_name("web", 3) == "mirari-web-3");
  CHECK(port_name("web", 3) == port_name("web", 3));
  CHECK(port_name("web", 3) != port_name("web", 4));
  CHECK(port_name("web", 3) != port_name("db", 3));
  CHECK(port_name("web", 3).rfind("mr", 0) == 0);
  CHECK(port_name("web", 3).substr(8) == "-3");
  CHECK(port_name("web", 36).substr(8) == "-10");
}

TEST_CASE("a port name fits an interface name for any group and serial") {
  const std::string longest(40, 'g');
  CHECK(port_name(longest, 2'176'782'335ULL).size() == 15);  // zzzzzz in base 36
  CHECK(port_name("a", 1).size() == 10);
}

TEST_CASE("groups' port names differ") {
  std::set<std::string> names;
  for (int g = 0; g < 200; ++g) names.insert(port_name("group-" + std::to_string(g), 1));
  CHECK(names.size() == 200);
}

TEST_CASE("an instance's serial is the number its name ends with") {
  CHECK(serial_of("web-12") == 12U);
  CHECK(serial_of("probe-x-3") == 3U);
  CHECK_FALSE(serial_of("web"));
  CHECK_FALSE(serial_of("web-"));
  CHECK_FALSE(serial_of("web-3a"));
}

TEST_CASE("the ovs-vsctl commands name the database, a time limit, the bridge and the port") {
  NetworkSettings s;
  s.bridge = "br-int";
  s.kind = SwitchKind::ovs;
  s.ovs_db = "unix:/tmp/ovs/db.sock";
  CHECK(ovs_add_port_command("/usr/bin/ovs-vsctl", s, "mr0a1b2c-1") ==
        std::vector<std::string>{"/usr/bin/ovs-vsctl", "--db=unix:/tmp/ovs/db.sock", "--timeout=10",
                                 "--", "--may-exist", "add-port", "br-int", "mr0a1b2c-1"});
  CHECK(ovs_del_port_command("/usr/bin/ovs-vsctl", s, "mr0a1b2c-1") ==
        std::vector<std::string>{"/usr/bin/ovs-vsctl", "--db=unix:/tmp/ovs/db.sock", "--timeout=10",
                                 "--", "--if-exists", "del-port", "br-int", "mr0a1b2c-1"});
}
