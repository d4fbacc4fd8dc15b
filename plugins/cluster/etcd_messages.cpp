// Invariant: every answer is read through read_answer(), which refuses etcd's error answers
// and text that is not a JSON object before any field is looked at.
#include "etcd_messages.hpp"

#include <boost/beast/core/detail/base64.hpp>
#include <charconv>
#include <nlohmann/json.hpp>

namespace mirari::cluster {

using nlohmann::json;
namespace b64 = boost::beast::detail::base64;

std::string base64_encode(std::string_view bytes) {
  std::string out(b64::encoded_size(bytes.size()), '\0');
  out.resize(b64::encode(out.data(), bytes.data(), bytes.size()));
  return out;
}

std::string base64_decode(std::string_view text) {
  if (text.size() % 4 != 0)
    throw EtcdError("base64 text of " + std::to_string(text.size()) +
                    " characters, not a multiple of 4");
  std::string out(b64::decoded_size(text.size()), '\0');
  const auto [written, read] = b64::decode(out.data(), text.data(), text.size());
  const std::string_view rest = text.substr(read);
  if (rest.size() > 2 || rest.find_first_not_of('=') != std::string_view::npos) {
    throw EtcdError("not base64 at character " + std::to_string(read + 1));
  }
  out.resize(written);
  return out;
}

std::string prefix_end(std::string_view prefix) {
  std::string end(prefix);
  while (!end.empty()) {
    auto& last = reinterpret_cast<unsigned char&>(end.back());
    if (last < 0xff) {
      ++last;
      return end;
    }
    end.pop_back();
  }
  return std::string(1, '\0');  // every key
}

std::string range_request(std::string_view prefix) {
  return json{{"key", base64_encode(prefix)}, {"range_end", base64_encode(prefix_end(prefix))}}
      .dump();
}

std::string put_request(std::string_view key, std::string_view value, std::int64_t lease) {
  json j{{"key", base64_encode(key)}, {"value", base64_encode(value)}};
  if (lease != 0) j["lease"] = std::to_string(lease);
  return j.dump();
}

std::string watch_request(std::string_view prefix, std::int64_t start_revision) {
  return json{{"create_request",
               {{"key", base64_encode(prefix)},
                {"range_end", base64_encode(prefix_end(prefix))},
                {"start_revision", std::to_string(start_revision)}}}}
      .dump();
}

std::string lease_grant_request(std::int64_t ttl_seconds) {
  return json{{"TTL", std::to_string(ttl_seconds)}}.dump();
}

std::string lease_id_request(std::int64_t lease) {
  return json{{"ID", std::to_string(lease)}}.dump();
}

std::string fenced_put_request(std::string_view key, std::string_view value, std::string_view guard,
                               std::int64_t create_revision) {
  return json{{"compare",
               {{{"key", base64_encode(guard)},
                 {"target", "CREATE"},
                 {"result", "EQUAL"},
                 {"create_revision", std::to_string(create_revision)}}}},
              {"success",
               {{{"request_put", {{"key", base64_encode(key)}, {"value", base64_encode(value)}}}}}}}
      .dump();
}

std::string authenticate_request(std::string_view user, std::string_view password) {
  return json{{"name", user}, {"password", password}}.dump();
}

namespace {

json read_answer(std::string_view body) {
  json j = json::parse(body, nullptr, false);
  if (j.is_discarded() || !j.is_object()) {
    throw EtcdError("etcd's answer is not a JSON object: '" + std::string(body.substr(0, 200)) +
                    "'");
  }
  if (auto e = j.find("error"); e != j.end()) {
    throw EtcdError("etcd refused the request: " +
                    (e->is_string() ? e->get<std::string>() : e->dump()));
  }
  return j;
}

const json* member(const json& j, const char* name) {
  auto it = j.find(name);
  return it == j.end() ? nullptr : &*it;
}

// A 64-bit integer, which the gateway writes as a string; absent means 0 (proto3 default).
std::int64_t integer(const json& j, const char* name) {
  const json* v = member(j, name);
  if (v == nullptr || v->is_null()) return 0;
  if (v->is_number_integer()) return v->get<std::int64_t>();
  if (v->is_string()) {
    const std::string& s = v->get_ref<const std::string&>();
    std::int64_t out = 0;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
    if (ec == std::errc() && end == s.data() + s.size()) return out;
  }
  throw EtcdError(std::string("field '") + name + "' is not a 64-bit integer: " + v->dump());
}

const json& object(const json& j, const char* name) {
  static const json empty = json::object();
  const json* v = member(j, name);
  if (v == nullptr || v->is_null()) return empty;
  if (!v->is_object()) throw EtcdError(std::string("field '") + name + "' is not an object");
  return *v;
}

std::string bytes(const json& j, const char* name) {
  const json* v = member(j, name);
  if (v == nullptr || v->is_null()) return {};
  if (!v->is_string()) throw EtcdError(std::string("field '") + name + "' is not a string");
  return base64_decode(v->get_ref<const std::string&>());
}

KeyValue key_value(const json& j) {
  if (!j.is_object()) throw EtcdError("a key-value is not an object");
  return {bytes(j, "key"), bytes(j, "value"), integer(j, "create_revision"),
          integer(j, "mod_revision"), integer(j, "lease")};
}

std::int64_t header_revision(const json& j) {
  return integer(object(j, "header"), "revision");
}

}  // namespace

RangeAnswer parse_range(std::string_view body) {
  const json j = read_answer(body);
  RangeAnswer out{header_revision(j), {}};
  if (const json* kvs = member(j, "kvs"); kvs != nullptr && !kvs->is_null()) {
    if (!kvs->is_array()) throw EtcdError("field 'kvs' is not an array");
    for (const json& kv : *kvs) out.kvs.push_back(key_value(kv));
  }
  return out;
}

WatchAnswer parse_watch(std::string_view line) {
  const json j = read_answer(line);
  const json& r = object(j, "result");
  WatchAnswer out;
  out.revision = header_revision(r);
  out.created = r.value("created", false);
  out.canceled = r.value("canceled", false);
  out.compact_revision = integer(r, "compact_revision");
  if (const json* reason = member(r, "cancel_reason"); reason != nullptr && reason->is_string()) {
    out.cancel_reason = reason->get<std::string>();
  }
  if (const json* events = member(r, "events"); events != nullptr && !events->is_null()) {
    if (!events->is_array()) throw EtcdError("field 'events' is not an array");
    for (const json& e : *events) {
      if (!e.is_object()) throw EtcdError("a watch event is not an object");
      WatchEvent event;
      const json* type = member(e, "type");
      if (type != nullptr && !type->is_null() && *type != "PUT") {
        if (*type != "DELETE") throw EtcdError("watch event of unknown type " + type->dump());
        event.deleted = true;
      }
      event.kv = key_value(object(e, "kv"));
      out.events.push_back(std::move(event));
    }
  }
  return out;
}

LeaseAnswer parse_lease_grant(std::string_view body) {
  const json j = read_answer(body);
  LeaseAnswer out{integer(j, "ID"), integer(j, "TTL")};
  if (out.id == 0) throw EtcdError("etcd granted no lease: '" + std::string(body) + "'");
  return out;
}

LeaseAnswer parse_lease_keepalive(std::string_view body) {
  const json j = read_answer(body);
  const json& r = object(j, "result");
  return {integer(r, "ID"), integer(r, "TTL")};
}

TxnAnswer parse_txn(std::string_view body) {
  const json j = read_answer(body);
  const json* succeeded = member(j, "succeeded");
  if (succeeded != nullptr && !succeeded->is_null() && !succeeded->is_boolean()) {
    throw EtcdError("field 'succeeded' is not a boolean: " + succeeded->dump());
  }
  return {header_revision(j),
          succeeded != nullptr && succeeded->is_boolean() && succeeded->get<bool>()};
}

std::int64_t parse_revision(std::string_view body) {
  return header_revision(read_answer(body));
}

std::string parse_authenticate(std::string_view body) {
  const json j = read_answer(body);
  const json* token = member(j, "token");
  if (token == nullptr || !token->is_string() || token->get_ref<const std::string&>().empty()) {
    throw EtcdError("etcd's authentication answer holds no token");
  }
  return token->get<std::string>();
}

std::string refusal_of(std::string_view body) {
  const json j = json::parse(body, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return {};
  const json* e = member(j, "error");
  return e != nullptr && e->is_string() ? e->get<std::string>() : std::string();
}

}  // namespace mirari::cluster
