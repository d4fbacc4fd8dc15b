// The plugin's own OpenFlow 1.4 encoder, decision by decision: field values, the match, the
// actions, and whether a whole set is sent over OpenFlow or through ovs-ofctl. That the
// encoding is the one ovs-ofctl sends is of_conformance_test's job, against a real switch.
#include <catch2/catch.hpp>

#include "bundle_file.hpp"
#include "of_actions.hpp"
#include "of_bundle.hpp"
#include "of_fields.hpp"
#include "of_match.hpp"

using namespace mirari::openflow;
using namespace mirari::ports::flows;
using wire::Bytes;

namespace {

const PortNumbers kPorts = {{"p1", 1}, {"p2", 2}, {"br0", wire::kPortLocal}};

std::optional<FieldValue> value_of(const char* field, const char* text, bool masks = true) {
  return field_value(*field_spec(field), text, kPorts, masks);
}

// The match's OXM entries, without the ofp_match header and padding.
Bytes entries(const char* match) {
  const auto encoded = encode_match(match, kPorts);
  REQUIRE(encoded);
  const std::size_t length = wire::get16(&(*encoded)[2]);
  return Bytes(encoded->begin() + 4, encoded->begin() + static_cast<long>(length));
}

}  // namespace

TEST_CASE("integers are decimal or hexadecimal and fit their field") {
  CHECK(value_of("eth_type", "0x800")->value == Bytes{0x08, 0x00});
  CHECK(value_of("tcp_dst", "65535")->value == Bytes{0xff, 0xff});
  CHECK_FALSE(value_of("tcp_dst", "65536"));
  CHECK_FALSE(value_of("ip_proto", "256"));
  CHECK_FALSE(value_of("tcp_dst", "80x"));
  CHECK_FALSE(value_of("tcp_dst", ""));
}

TEST_CASE("an address prefix clears the bits it leaves out, as ovs-ofctl does") {
  const auto v = value_of("nw_src", "192.0.2.5/24");
  REQUIRE(v);
  CHECK(v->value == Bytes{192, 0, 2, 0});
  CHECK(v->mask == Bytes{255, 255, 255, 0});
  CHECK(value_of("nw_src", "192.0.2.5/255.255.0.255")->mask == Bytes{255, 255, 0, 255});
  // All ones: an exact match; all zeros: a field that matches anything.
  CHECK(value_of("nw_src", "192.0.2.5/32")->mask.empty());
  CHECK(value_of("nw_src", "192.0.2.5/0")->wildcard());
  CHECK(value_of("ipv6_dst", "2001:db8::1/32")->value ==
        Bytes{0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0});
  CHECK_FALSE(value_of("nw_src", "192.0.2.5/33"));
  CHECK_FALSE(value_of("nw_src", "192.0.2.256"));
  CHECK_FALSE(value_of("nw_src", "192.0.2.5/24", false));
}

TEST_CASE("MAC addresses, with a mask where the field takes one") {
  CHECK(value_of("dl_dst", "02:00:5e:00:00:01")->value == Bytes{2, 0, 0x5e, 0, 0, 1});
  const auto masked = value_of("eth_src", "02:00:5e:00:00:01/ff:ff:ff:00:00:00");
  REQUIRE(masked);
  CHECK(masked->value == Bytes{2, 0, 0x5e, 0, 0, 0});
  CHECK(masked->mask == Bytes{0xff, 0xff, 0xff, 0, 0, 0});
  CHECK_FALSE(value_of("eth_src", "02:00:5e:00:00"));
  CHECK_FALSE(value_of("eth_src", "02-00-5e-00-00-01"));
}

TEST_CASE("dl_vlan is a VLAN header with that id; masks only where the field takes them") {
  CHECK(value_of("dl_vlan", "10")->value == Bytes{0x10, 0x0a});
  CHECK_FALSE(value_of("dl_vlan", "4096"));
  // vlan_vid is OXM's own 13 bits, as ovs-ofctl reads it: 0x1000 says a header is there.
  CHECK(value_of("vlan_vid", "100")->value == Bytes{0x00, 0x64});
  CHECK(value_of("vlan_vid", "0x1064")->value == Bytes{0x10, 0x64});
  CHECK_FALSE(value_of("vlan_vid", "0x2000"));
  CHECK_FALSE(value_of("tcp_dst", "80/0xff"));
  CHECK(value_of("metadata", "0x5/0xff")->mask == Bytes{0, 0, 0, 0, 0, 0, 0, 0xff});
}

TEST_CASE("ports are numbers, LOCAL, or names the bridge has") {
  CHECK(port_number("p2", kPorts) == 2u);
  CHECK(port_number("br0", kPorts) == wire::kPortLocal);
  CHECK(port_number("local", kPorts) == wire::kPortLocal);
  CHECK(port_number("7", kPorts) == 7u);
  CHECK_FALSE(port_number("p9", kPorts));
  CHECK_FALSE(port_number("65280", kPorts));  // OFPP_MAX and above: ovs-ofctl's to judge
}

TEST_CASE("fields outside the subset have no spec") {
  CHECK(field_spec("nw_tos") == nullptr);
  CHECK(field_spec("reg8") == nullptr);
  CHECK(field_spec("tp_dst") == nullptr);
  CHECK(field_spec("reg7") != nullptr);
}

TEST_CASE("a match's entries come in prerequisite order, whatever order they are written in") {
  const Bytes expected = {0x80, 0x00, 0x00, 0x04, 0,    0,    0, 1,    // in_port=1
                          0x80, 0x00, 0x0a, 0x02, 0x08, 0x00,          // eth_type=0x0800
                          0x80, 0x00, 0x18, 0x04, 192,  0,    2, 10};  // ipv4_dst
  CHECK(entries("in_port=p1,ip,nw_dst=192.0.2.10") == expected);
  CHECK(entries("nw_dst=192.0.2.10,ip,in_port=1") == expected);
  const auto encoded = encode_match("in_port=p1,ip,nw_dst=192.0.2.10", kPorts);
  CHECK(encoded->size() == 32);  // 26, padded to 8 bytes
}

TEST_CASE("protocol keywords stand for eth_type and ip_proto; tp_src and tp_dst follow them") {
  CHECK(entries("tcp6") == Bytes{0x80, 0x00, 0x0a, 0x02, 0x86, 0xdd, 0x80, 0x00, 0x14, 0x01, 6});
  // tcp_dst is OXM field 14, udp_dst 16.
  CHECK(entries("tcp,tp_dst=80").back() == 80);
  CHECK(entries("tcp,tp_dst=80")[entries("tcp,tp_dst=80").size() - 4] == 14 << 1);
  CHECK(entries("udp,tp_dst=53")[entries("udp,tp_dst=53").size() - 4] == 16 << 1);
  CHECK_FALSE(encode_match("icmp,tp_dst=80", kPorts));
  CHECK_FALSE(encode_match("ip,tp_dst=80", kPorts));
}

TEST_CASE("a match the encoder cannot vouch for goes to ovs-ofctl") {
  // A prerequisite missing: ovs-ofctl says what is wrong.
  CHECK_FALSE(encode_match("nw_dst=192.0.2.1", kPorts));
  CHECK_FALSE(encode_match("tcp_dst=80", kPorts));
  CHECK_FALSE(encode_match("ip,arp_op=1", kPorts));
  CHECK_FALSE(encode_match("ipv6,nw_src=192.0.2.1", kPorts));
  // A field twice, under one name or two.
  CHECK_FALSE(encode_match("ip,dl_type=0x0800", kPorts));
  CHECK_FALSE(encode_match("tcp,ip", kPorts));
  CHECK_FALSE(encode_match("dl_src=02:00:00:00:00:01,eth_src=02:00:00:00:00:01", kPorts));
  // Outside the subset, or a port the bridge lacks.
  CHECK_FALSE(encode_match("ip,nw_tos=4", kPorts));
  CHECK_FALSE(encode_match("ct_state=+trk", kPorts));
  CHECK_FALSE(encode_match("in_port=p9", kPorts));
  CHECK_FALSE(encode_match("ip,,in_port=1", kPorts));
}

TEST_CASE("the empty match and a field that matches anything encode no entry") {
  CHECK(encode_match("", kPorts) == Bytes{0, 1, 0, 4, 0, 0, 0, 0});
  CHECK(encode_match("ip,nw_src=0.0.0.0/0", kPorts) == encode_match("ip", kPorts));
}

TEST_CASE("output, by name, number, bare word or reserved port") {
  const Bytes to_p2 = {0, 4, 0, 24, 0, 0, 0, 0, 0, 0, 0, 16, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0};
  CHECK(encode_flow_actions("output:p2", kPorts) == to_p2);
  CHECK(encode_flow_actions("output:2", kPorts) == to_p2);
  CHECK(encode_flow_actions("p2", kPorts) == to_p2);
  const auto normal = encode_flow_actions("NORMAL", kPorts);
  CHECK(wire::get32(&(*normal)[12]) == wire::kPortNormal);
  // To the controller, whole packets.
  const auto controller = encode_flow_actions("controller", kPorts);
  CHECK(wire::get32(&(*controller)[12]) == wire::kPortController);
  CHECK(wire::get16(&(*controller)[16]) == 0xffff);
  CHECK_FALSE(encode_flow_actions("output:p9", kPorts));
  CHECK_FALSE(encode_flow_actions("p9", kPorts));
}

TEST_CASE("drop is no instruction; goto_table is its own, after the actions") {
  CHECK(encode_flow_actions("drop", kPorts) == Bytes{});
  CHECK(encode_flow_actions("goto_table:3", kPorts) == Bytes{0, 1, 0, 8, 3, 0, 0, 0});
  const auto both = encode_flow_actions("group:1,goto_table:3", kPorts);
  CHECK(*both == Bytes{0, 4, 0, 16, 0, 0, 0, 0, 0, 22, 0, 8, 0, 0, 0, 1, 0, 1, 0, 8, 3, 0, 0, 0});
  CHECK_FALSE(encode_flow_actions("goto_table:3,output:p1", kPorts));
  CHECK_FALSE(encode_flow_actions("goto_table:255", kPorts));
  CHECK_FALSE(encode_bucket_actions("goto_table:3", kPorts));
}

TEST_CASE("set_field and mod_dl_src/dst set a field; resubmit is Nicira's") {
  const auto mod = encode_bucket_actions("mod_dl_dst:02:00:5e:00:00:01", kPorts);
  CHECK(*mod == Bytes{0, 25, 0, 16, 0x80, 0, 6, 6, 2, 0, 0x5e, 0, 0, 1, 0, 0});
  CHECK(encode_bucket_actions("set_field:02:00:5e:00:00:01->eth_dst", kPorts) == mod);
  CHECK(encode_bucket_actions("set_field:192.0.2.9->ip_dst", kPorts)->size() == 16);
  CHECK(encode_bucket_actions("resubmit(,4)", kPorts) ==
        Bytes{0xff, 0xff, 0, 16, 0, 0, 0x23, 0x20, 0, 14, 0xff, 0xf8, 4, 0, 0, 0});
  CHECK_FALSE(encode_bucket_actions("set_field:1->reg0", kPorts));
  CHECK_FALSE(encode_bucket_actions("set_field:192.0.2.0/24->ip_dst", kPorts));
  CHECK_FALSE(encode_bucket_actions("resubmit(p1,4)", kPorts));
  CHECK_FALSE(encode_bucket_actions("meter:5", kPorts));
  CHECK_FALSE(encode_bucket_actions("mod_vlan_vid:5", kPorts));
}

TEST_CASE("a set is one message per line of its bundle file, or none when a rule is outside") {
  BridgeFlows set{{Flow{0, 100, "in_port=p1,ip", "group:1", 5}, Flow{1, 10, "", "drop", 0}},
                  {FlowGroup{1, "select", {"output:p1", "output:p2"}}}};
  const auto messages = encode_bundle(set, kPorts);
  REQUIRE(messages);
  const std::string file = bundle_file(set);
  CHECK(messages->size() == static_cast<std::size_t>(std::count(file.begin(), file.end(), '\n')));
  CHECK((*messages)[0][1] == wire::kFlowMod);
  CHECK((*messages)[1][1] == wire::kGroupMod);
  CHECK((*messages)[2][1] == wire::kGroupMod);
  for (const Bytes& m : *messages) CHECK(wire::get16(&m[2]) == m.size());

  set.flows.push_back(Flow{0, 5, "", "meter:5", 0});
  CHECK_FALSE(encode_bundle(set, kPorts));
}

TEST_CASE("a fast_failover bucket watches its port; without one it goes to ovs-ofctl") {
  const auto group =
      encode_group_add(FlowGroup{2, "fast_failover", {"output:p1,watch_port:p1"}}, kPorts);
  REQUIRE(group);
  CHECK((*group)[10] == 3);                 // OFPGT_FF
  CHECK(wire::get32(&(*group)[20]) == 1u);  // the bucket's watch_port
  CHECK_FALSE(encode_group_add(FlowGroup{2, "fast_failover", {"output:p1"}}, kPorts));
  CHECK_FALSE(encode_group_add(FlowGroup{2, "fast_failover", {"output:p1,watch_port:p9"}}, kPorts));
  // Select buckets weigh 1, as ovs-ofctl makes them.
  const auto select = encode_group_add(FlowGroup{3, "select", {"output:p1"}}, kPorts);
  CHECK(wire::get16(&(*select)[18]) == 1);
}

TEST_CASE("a rule too long for a bundle's 16-bit length goes to ovs-ofctl") {
  std::string actions;
  for (int i = 0; i < 5000; ++i) actions += "output:p1,";
  actions += "output:p2";
  CHECK_FALSE(encode_flow_add(Flow{0, 1, "", actions, 0}, kPorts));
  CHECK_FALSE(
      encode_group_add(FlowGroup{1, "all", std::vector<std::string>(5000, "output:p1")}, kPorts));
  CHECK(encode_flow_add(Flow{0, 1, "", "output:p1", 0}, kPorts));
}
