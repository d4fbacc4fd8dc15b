// What the cluster plugin reads from etcd's v3 JSON gateway, and its key layout.
#include <catch2/catch.hpp>

#include "etcd_messages.hpp"
#include "key_layout.hpp"
#include "port_codecs.hpp"

#include <string>
#include <vector>

using namespace mirari::cluster;

TEST_CASE("cluster: base64 round-trips bytes and refuses text that is not base64") {
  for (const std::string& s : std::vector<std::string>{"", "a", "ab", "abc", "/mirari/t/hosts/a",
                                                       std::string("\0\xff", 2)}) {
    CHECK(base64_decode(base64_encode(s)) == s);
  }
  CHECK_THROWS_WITH(base64_decode("abc"), Catch::Contains("not a multiple of 4"));
  CHECK_THROWS_WITH(base64_decode("ab!d"), "not base64 at character 3");
}

TEST_CASE("cluster: a prefix's range end is the prefix with its last byte raised") {
  CHECK(prefix_end("/mirari/t/hosts/") == "/mirari/t/hosts0");
  CHECK(prefix_end(std::string("a\xff", 2)) == "b");
}

TEST_CASE("cluster: a watch message gives its events in order, deletes marked, revisions read") {
  const auto answer = parse_watch(
      R"({"result":{"header":{"revision":"7"},"events":[)"
      R"({"kv":{"key":"YQ==","value":"Yg==","create_revision":"5","mod_revision":"7","lease":"9"}},)"
      R"({"type":"DELETE","kv":{"key":"Yw==","mod_revision":"7"}}]}})");
  CHECK(answer.revision == 7);
  REQUIRE(answer.events.size() == 2);
  CHECK_FALSE(answer.events[0].deleted);
  CHECK(answer.events[0].kv.key == "a");
  CHECK(answer.events[0].kv.value == "b");
  CHECK(answer.events[0].kv.lease == 9);
  CHECK(answer.events[1].deleted);
  CHECK(answer.events[1].kv.key == "c");
}

TEST_CASE("cluster: a compacted watch says from which revision etcd still holds history") {
  const auto answer =
      parse_watch(R"({"result":{"header":{},"canceled":true,"compact_revision":"3"}})");
  CHECK(answer.canceled);
  CHECK(answer.compact_revision == 3);
}

TEST_CASE("cluster: etcd's error answers and malformed answers throw EtcdError with the reason") {
  CHECK_THROWS_WITH(parse_lease_keepalive(R"({"error":"etcdserver: requested lease not found",)"
                                          R"("code":5})"),
                    "etcd refused the request: etcdserver: requested lease not found");
  CHECK_THROWS_WITH(parse_range("[1]"), Catch::StartsWith("etcd's answer is not a JSON object"));
  CHECK_THROWS_WITH(parse_range(R"({"header":{"revision":"x"}})"),
                    "field 'revision' is not a 64-bit integer: \"x\"");
  CHECK_THROWS_WITH(parse_range(R"({"kvs":[{"key":"%%%%"}]})"), "not base64 at character 1");
  CHECK_THROWS_WITH(parse_watch(R"({"result":{"events":[{"type":"MOVE","kv":{}}]}})"),
                    "watch event of unknown type \"MOVE\"");
}

TEST_CASE("cluster: an expired lease renews to a TTL of 0") {
  CHECK(parse_lease_keepalive(R"({"result":{"header":{},"ID":"12"}})").ttl == 0);
  CHECK(parse_lease_grant(R"({"header":{},"ID":"12","TTL":"2"})").ttl == 2);
}

TEST_CASE("cluster: only keys in the host/ports layout name a host and a port") {
  const std::string hosts = hosts_prefix("t");
  auto key = parse_port_key(ports_prefix("t", "a") + "routes.desired", hosts);
  REQUIRE(key);
  CHECK(key->host == "a");
  CHECK(key->port == "routes.desired");
  CHECK_FALSE(parse_port_key("/mirari/t/hosts/a/routes.desired", hosts));
  CHECK_FALSE(parse_port_key("/mirari/t/hosts/a/ports/x/y", hosts));
  CHECK_FALSE(parse_port_key("/mirari/t/hosts//ports/x", hosts));
  CHECK_FALSE(parse_port_key("/mirari/u/hosts/a/ports/x", hosts));
}

TEST_CASE("cluster: only keys in the election layout name a role") {
  CHECK(parse_election_key(election_prefix("t", "placement") + "6f1a", "t") == "placement");
  CHECK_FALSE(parse_election_key("/mirari/t/election/placement/", "t"));
  CHECK_FALSE(parse_election_key("/mirari/t/election/placement/6f1a/x", "t"));
  CHECK_FALSE(parse_election_key("/mirari/t/election//6f1a", "t"));
  CHECK_FALSE(parse_election_key("/mirari/u/election/placement/6f1a", "t"));
}

TEST_CASE("cluster: a port record carries the type and fingerprint beside the value") {
  const PortType type{"float64", 0x0123456789abcdefULL};
  const Record r = decode_record(encode_record(type, "0.5"));
  CHECK(r.type.name == "float64");
  CHECK(r.type.fingerprint == 0x0123456789abcdefULL);
  CHECK(r.value == "0.5");
  CHECK_THROWS_WITH(decode_record(R"({"type":"float64","value":1})"), "no 'fingerprint' field");
  CHECK_THROWS_WITH(decode_record(R"({"type":"float64","fingerprint":"xyz","value":1})"),
                    "'fingerprint' is not 16 hexadecimal digits");
}

TEST_CASE("cluster: an authentication answer gives its token, a refusal etcd's words") {
  CHECK(authenticate_request("root", "pw\"1") == R"({"name":"root","password":"pw\"1"})");
  CHECK(parse_authenticate(R"({"header":{"revision":"1"},"token":"OKGRdehQYfOHyoIC.8"})") ==
        "OKGRdehQYfOHyoIC.8");
  const std::string refused =
      R"({"error":"etcdserver: authentication failed, invalid user ID or password","code":3})";
  CHECK_THROWS_WITH(parse_authenticate(refused),
                    "etcd refused the request: etcdserver: authentication failed, invalid user "
                    "ID or password");
  CHECK_THROWS_WITH(parse_authenticate(R"({"token":""})"),
                    "etcd's authentication answer holds no token");
  CHECK(refusal_of(refused) == "etcdserver: authentication failed, invalid user ID or password");
  CHECK(
      refusal_of("CommonName of client sending a request against gateway will be ignored").empty());
  CHECK(refusal_of(R"({"error":3})").empty());
}
