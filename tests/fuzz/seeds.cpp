// Writes the fuzz targets' seed corpora (tests/fuzz/corpus/<target>/) from what the tests feed
// the same readers: request lines, configuration files, rtnetlink messages built as the
// watcher tests build them, uevent records, XenStore nodes, load reports and port values.
//
//   fuzz_seeds DIR      writes DIR/<target>/<n> (the corpus is committed; rerun to renew it)
#include <linux/if.h>
#include <linux/if_addr.h>
#include <linux/neighbour.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "mirari/ports/arp.hpp"
#include "mirari/ports/block.hpp"
#include "mirari/ports/load.hpp"
#include "mirari/ports/net.hpp"
#include "mirari/ports/xen.hpp"
#include "netlink_message.hpp"

namespace fs = std::filesystem;
using mirari::testing::NetlinkMessage;
using nlohmann::json;

namespace {

class Corpus {
 public:
  Corpus(const fs::path& root, const std::string& target) : dir_(root / target) {
    fs::create_directories(dir_);
  }
  void add(const std::string& bytes) {
    std::ofstream(dir_ / ("seed-" + std::to_string(++count_)), std::ios::binary) << bytes;
  }
  void add(const NetlinkMessage& msg) {
    add(std::string(reinterpret_cast<const char*>(&msg.get()), msg.get().nlmsg_len));
  }

 private:
  fs::path dir_;
  int count_ = 0;
};

ifinfomsg link_header(int index, unsigned flags = IFF_UP | IFF_LOWER_UP) {
  ifinfomsg h{};
  h.ifi_family = AF_UNSPEC;
  h.ifi_index = index;
  h.ifi_flags = flags;
  return h;
}

ifaddrmsg address_header(int index, unsigned char family, unsigned char prefix) {
  ifaddrmsg h{};
  h.ifa_family = family;
  h.ifa_prefixlen = prefix;
  h.ifa_index = static_cast<unsigned>(index);
  return h;
}

ndmsg neighbour_header(int index, unsigned char family, std::uint16_t state) {
  ndmsg h{};
  h.ndm_family = family;
  h.ndm_ifindex = index;
  h.ndm_state = state;
  return h;
}

void control_requests(Corpus c) {
  c.add(R"({"id": 1, "cmd": "status"})");
  c.add(R"({"id": "x", "cmd": "ports"})"
        "\n"
        R"({"cmd": "nodes"})");
  c.add(R"({"id": 2, "cmd": "set", "port": "p.int", "value": 7})");
  c.add(R"({"id": 3, "cmd": "emit", "port": "e.int", "value": 1})");
  c.add(R"({"id": 4, "cmd": "watch", "port": "p.text"})"
        "\n"
        R"({"cmd": "set", "port": "p.text", "value": "hi"})");
  c.add(R"({"cmd": "get", "port": "p.map"})");
  c.add(R"({"cmd": "graph", "dot": true})");
  c.add(R"({"cmd": "stats"})"
        "\n"
        R"({"cmd": "metrics"})");
  c.add(R"({"cmd": "set", "port": "p.list", "value": ["a", "b"]})");
  c.add(R"({"cmd": "set", "port": "p.nested", "value": {"a": [1, 2], "b": [{"c": null}]}})");
  c.add(R"({"cmd": "emit", "port": "e.list", "value": [1, 2, 3]})");
  c.add(R"({"cmd": "set", "port": "p.map", "value": {"x": 1.5}})");
  c.add(
      "hello\n[1, 2]\n"
      R"({"id": [1], "cmd": "status"})");
}

void configs(Corpus c) {
  c.add(R"([daemon]
plugin_dirs = ["/usr/lib/mirari/plugins"]
runtime_dir = "/run/mirari"
log_level = "info"
worker_threads = 2
shutdown_timeout = 10
snapshot_interval = 60
effect_budget_ms = 100

[daemon.watch]
load = true
reload = false

[plugins.my-scaler]
file = "cpu-scaler.so"
port = "load.total"
count = 4
ratio = 0.9
names = ["a", "b"]
)");
  c.add("[plugins.counter]\ninput = 3\n[daemon\n");
  c.add("[plugins.a]\nport = \"x\"\nenabled = false\n[plugins.b]\nfile = 7\n");
  c.add("[daemon]\noutput_limit_per_client = 65536\nload_crashed_plugin = true\n");
  c.add("[daemon]\nmetrics_listen = \"[2001:db8::1]:9464\"\n");
  c.add("[daemon]\nmetrics_listen = \"127.0.0.1:65536\"\n");
  // Nested plugin settings: tables and arrays of tables at every depth, good and bad.
  c.add(R"([plugins.fleet]
port = "x"
sizes = [1, 2, 3]
weights = [1, 0.5]
template.memory = 128
template.disk.size = 2

[[plugins.fleet.groups]]
name = "web"
weights = [0.25]

[[plugins.fleet.groups.routers]]
asn = 64513

[[plugins.fleet.groups]]
name = "db"
routers = [{asn = 64514}, {asn = 64515}]
)");
  c.add(R"([plugins.fleet]
port = "x"
template = {memory = "lots", disk = {size = "big"}}

[[plugins.fleet.groups]]
name = "web"
[[plugins.fleet.groups]]
nmae = "db"
[[plugins.fleet.groups.routers]]
asn = 1.5
)");
  c.add(R"([plugins.fleet]
port = "x"
sizes = [1, "two"]
weights = [[1], [2]]
groups = [{name = "a", routers = [{asn = 1}, 7]}]
template.when = 1979-05-27
)");
}

void link_messages(Corpus c) {
  NetlinkMessage link(RTM_NEWLINK, link_header(7));
  link.string(IFLA_IFNAME, "veth0").u32(IFLA_MTU, 1500).u8(IFLA_CARRIER, 1).u8(IFLA_OPERSTATE, 6);
  link.bytes(IFLA_ADDRESS, {0x02, 0, 0, 0, 0, 7})
      .nested_string(IFLA_LINKINFO, IFLA_INFO_KIND, "veth");
  c.add(link);
  c.add(NetlinkMessage(RTM_DELLINK, link_header(7)));
  NetlinkMessage v4(RTM_NEWADDR, address_header(7, AF_INET, 24));
  v4.bytes(IFA_ADDRESS, {192, 0, 2, 7}).bytes(IFA_LOCAL, {192, 0, 2, 7});
  c.add(v4);
  NetlinkMessage v6(RTM_NEWADDR, address_header(7, AF_INET6, 64));
  v6.bytes(IFA_ADDRESS, {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 7});
  c.add(v6);
  NetlinkMessage gone(RTM_DELADDR, address_header(7, AF_INET, 24));
  gone.bytes(IFA_ADDRESS, {192, 0, 2, 7});
  c.add(gone);
  NetlinkMessage cut(RTM_NEWLINK, link_header(8));
  cut.string(IFLA_IFNAME, "eth1").truncated_attribute(IFLA_MTU, 40);
  c.add(cut);
  // Two messages in one datagram, as a dump delivers them.
  NetlinkMessage a(RTM_NEWLINK, link_header(2)), b(RTM_NEWLINK, link_header(3));
  a.string(IFLA_IFNAME, "lo");
  b.string(IFLA_IFNAME, "eth0");
  c.add(std::string(reinterpret_cast<const char*>(&a.get()), NLMSG_ALIGN(a.get().nlmsg_len)) +
        std::string(reinterpret_cast<const char*>(&b.get()), b.get().nlmsg_len));
}

void neighbour_messages(Corpus c) {
  NetlinkMessage v4(RTM_NEWNEIGH, neighbour_header(3, AF_INET, NUD_REACHABLE));
  v4.bytes(NDA_DST, {192, 0, 2, 9}).bytes(NDA_LLADDR, {0x02, 0, 0, 0, 0, 9});
  c.add(v4);
  NetlinkMessage v6(RTM_NEWNEIGH, neighbour_header(3, AF_INET6, NUD_STALE));
  v6.bytes(NDA_DST, {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 9});
  c.add(v6);
  NetlinkMessage gone(RTM_DELNEIGH, neighbour_header(3, AF_INET, NUD_FAILED));
  gone.bytes(NDA_DST, {192, 0, 2, 9});
  c.add(gone);
  NetlinkMessage link(RTM_NEWLINK, link_header(3));
  link.string(IFLA_IFNAME, "veth3");
  c.add(link);
  c.add(NetlinkMessage(RTM_DELLINK, link_header(3)));
}

void uevents(Corpus c) {
  using namespace std::string_literals;
  c.add(
      "add@/devices/virtual/block/loop0\0ACTION=add\0DEVPATH=/devices/virtual/block/loop0\0"
      "SUBSYSTEM=block\0MAJOR=7\0MINOR=0\0DEVNAME=loop0\0DEVTYPE=disk\0SEQNUM=4211\0"s);
  c.add("remove@/devices/virtual/block/loop0\0ACTION=remove\0SUBSYSTEM=block\0DEVNAME=loop0"s);
  c.add(
      "change@/devices/virtual/block/loop1\0ACTION=change\0SUBSYSTEM=block\0DISK_MEDIA_CHANGE=1\0"s);
  c.add("libudev\0\xfe\xed\xca\xfe"s);
  c.add("add@/devices/virtual/net/veth0\0SUBSYSTEM=net\0INTERFACE=veth0\0=empty\0novalue\0"s);
}

void xenstore_nodes(Corpus c) {
  c.add(
      "1\tname\tguest-1\n1\tvm\t/vm/0b6f5c3e-2c1d-4f6e-9a3b-7d2e1f0a9c8b\n"
      "1\tmemory/target\t524288\n1\tdata/load\t0.42\n1\tdata/meminfo/free\t1024\n");
  c.add(
      "0\tbackend/vif/1/0/state\t4\n0\tbackend/vif/1/0/online\t1\n"
      "0\tbackend/vif/1/0/mac\t00:16:3e:00:00:01\n1\tdevice/vif/0/state\t4\n"
      "0\tbackend/vbd/1/51712/state\t4\n0\tbackend/vbd/1/51712/params\t/dev/loop0\n"
      "1\tdevice/vbd/51712/state\t3\n");
  c.add("/local/domain/1/data/load\n/local/domain\n/local/domain/0/backend/vif/1/0\n");
  c.add("x1\tname\tbad\n4294967296\tname\ttoo big\n7\t\t\n");
}

void load_reports(Corpus c) {
  c.add("web-1 load 0.75\n");
  c.add("web-1 load 0.75\r\nweb-2\tcpu\t12.5\n\ndb-1 queue_depth 3\n");
  c.add("web-1 load nan\nweb-1 load 1e400\nweb-1 load -inf\n web-1 load 1\n");
  c.add(std::string(70, 'x') + " load 1\nname key\nname key value extra\n");
}

void port_values(Corpus c) {
  // The port index (the first byte) follows the order of port_json_fuzz.cpp's ports.
  const auto add = [&](std::uint8_t port, const json& value) {
    c.add(std::string(1, static_cast<char>(port)) + value.dump());
  };
  mirari::ports::net::Link link;
  link.index = 7;
  link.name = "veth0";
  link.mac = "02:00:00:00:00:07";
  link.mtu = 1500;
  link.up = link.carrier = true;
  link.speed_mbps = 10000;
  add(0, mirari::ports::net::Links().set(7, link));
  add(1, json::array());
  mirari::ports::arp::Neighbour neighbour;
  neighbour.address = "192.0.2.9";
  neighbour.mac = "02:00:00:00:00:09";
  neighbour.ifindex = 3;
  neighbour.interface = "veth3";
  add(2, mirari::ports::arp::Neighbours().set(neighbour.key(), neighbour));
  mirari::ports::block::BlockDevice disk;
  disk.name = "loop0";
  disk.major = 7;
  disk.size_bytes = 1 << 20;
  disk.backing_file = "/tmp/disk.img";
  add(4, mirari::ports::block::Devices().set("loop0", disk));
  mirari::ports::xen::XenDomain domain;
  domain.domid = 1;
  domain.name = "guest-1";
  domain.memory_target_kib = 524288;
  add(6, mirari::ports::xen::Domains().set("1", domain));
  mirari::ports::xen::XenData data;
  data.domid = 1;
  data.name = "guest-1";
  data.values = {{"load", "0.42"}};
  add(10, mirari::ports::xen::DataByDomain().set("1", data));
  add(12, mirari::ports::load::LoadByInstance().set("web-1", 0.75));
  add(13, 1.5);
  add(14, mirari::ports::load::InstanceReports().set("web-1", {{"load", 0.75}, {"cpu", 12.0}}));
  add(15, mirari::ports::load::LoadSamples{
              {"web-1", "load", 0.75, mirari::ports::load::LoadSample::Source::report}});
  add(16, 3);
  add(0, json::object());
  add(13, "not a number");
  add(17, 81234567);
  add(18, json::parse(R"({"web-1": {"group": "web", "state": "running", "since": 81234567}})"));
  add(19, json::parse(R"([{"kind": "added", "name": "web-3", "old": null,
                           "new": {"group": "web", "state": "starting", "since": 1}}])"));
  add(20, json::parse(R"({"probe": {"group": "web", "command": "/usr/bin/probe",
                                    "args": ["-v"], "env": ["A=1"]}})"));
  add(21, json::parse(R"({"web-3": {"log_level": "debug"}})"));
  add(22, 3);
}

// NUL-separated: a flow's match, its actions, group 1's buckets (openflow_rules_fuzz.cpp); and
// ovs-ofctl listings, which the same target reads.
void openflow_rules(Corpus c) {
  using namespace std::string_literals;
  c.add("in_port=p1,ip,nw_dst=192.0.2.10\0group:1\0output:p2\0mod_dl_dst:02:00:5e:00:00:01,p3"s);
  c.add("tcp,tp_dst=80,reg3=0x1\0set_field:198.51.100.1->nw_dst,resubmit(,1)\0drop"s);
  c.add("\0drop\0"s);
  c.add(
      "OFPST_PORT_DESC reply (OF1.4) (xid=0x2):\n 1(p1): addr:06:76:d0:08:ec:68\n"
      "     config:     PORT_DOWN\n LOCAL(br0): addr:46:12:c0:b0:14:43\n");
  c.add(
      " cookie=0x5, priority=100,ip,in_port=p1,nw_dst=192.0.2.10 actions=group:1\n"
      " priority=10 actions=drop\nOFPST_GROUP_DESC reply (OF1.4) (xid=0x2):\n"
      " group_id=1,type=select,bucket=actions=output:p1,bucket=actions=output:p2\n");
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: fuzz_seeds DIR\n";
    return 2;
  }
  const fs::path root = argv[1];
  control_requests({root, "control_request"});
  configs({root, "config"});
  link_messages({root, "link_messages"});
  neighbour_messages({root, "neighbour_messages"});
  uevents({root, "uevent"});
  xenstore_nodes({root, "xenstore"});
  load_reports({root, "load_report"});
  port_values({root, "port_json"});
  openflow_rules({root, "openflow_rules"});
  return 0;
}
