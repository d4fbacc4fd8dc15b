// The messages of etcd's v3 JSON gateway (etcd 3.4 serves it under /v3/): the requests the
// cluster plugin sends and what it reads back from the answers. Keys and values travel in
// base64 and 64-bit integers as JSON strings, as the gateway writes them.
//
// Invariant: a parse function either returns everything the answer holds or throws
// EtcdError; it never returns half an answer.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace mirari::cluster {

// An answer that etcd refused ({"error": ...}) or that is not the message expected; what()
// quotes etcd's own words or says what is wrong with the text.
class EtcdError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct KeyValue {
  std::string key;    // decoded from base64
  std::string value;  // decoded from base64
  std::int64_t create_revision = 0;
  std::int64_t mod_revision = 0;
  std::int64_t lease = 0;
};

struct RangeAnswer {
  std::int64_t revision = 0;  // the store's revision the range was read at
  std::vector<KeyValue> kvs;
};

struct WatchEvent {
  bool deleted = false;  // a DELETE (the key's value is gone), else a PUT
  KeyValue kv;
};

// One message of a watch stream.
struct WatchAnswer {
  std::int64_t revision = 0;  // the header's revision (0 when etcd leaves it out)
  bool created = false;
  bool canceled = false;
  // When the watch asked for revisions etcd has compacted away: the oldest it still holds.
  std::int64_t compact_revision = 0;
  std::string cancel_reason;
  std::vector<WatchEvent> events;  // in revision order
};

// A transaction's outcome: whether its comparisons held (then its writes were made).
struct TxnAnswer {
  std::int64_t revision = 0;
  bool succeeded = false;
};

struct LeaseAnswer {
  std::int64_t id = 0;
  std::int64_t ttl = 0;  // seconds left; 0 when the lease no longer exists
};

// Base64 as the gateway writes it (standard alphabet, padded). decode throws EtcdError for
// text that is not base64.
std::string base64_encode(std::string_view bytes);
std::string base64_decode(std::string_view text);

// The first key after every key that starts with prefix (etcd's range_end for a prefix).
std::string prefix_end(std::string_view prefix);

// Request bodies.
std::string range_request(std::string_view prefix);
std::string put_request(std::string_view key, std::string_view value, std::int64_t lease);
std::string watch_request(std::string_view prefix, std::int64_t start_revision);
std::string lease_grant_request(std::int64_t ttl_seconds);
std::string lease_id_request(std::int64_t lease);
// A put made only while guard exists with create_revision (a leader's candidacy at its term):
// etcd refuses it atomically once the guard is gone or was made again.
std::string fenced_put_request(std::string_view key, std::string_view value, std::string_view guard,
                               std::int64_t create_revision);
std::string authenticate_request(std::string_view user, std::string_view password);

// Answers. Each throws EtcdError as the file's comment says.
RangeAnswer parse_range(std::string_view body);
WatchAnswer parse_watch(std::string_view line);
LeaseAnswer parse_lease_grant(std::string_view body);
LeaseAnswer parse_lease_keepalive(std::string_view body);
TxnAnswer parse_txn(std::string_view body);
// The revision an answer's header carries (put, delete, revoke).
std::int64_t parse_revision(std::string_view body);
// The token of an authenticate answer (never empty).
std::string parse_authenticate(std::string_view body);
// etcd's own words in an error answer ({"error": "etcdserver: ..."}); empty for any other
// text. Never throws.
std::string refusal_of(std::string_view body);

}  // namespace mirari::cluster
