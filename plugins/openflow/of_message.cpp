#include "of_message.hpp"

#include <array>
#include <string_view>

namespace mirari::openflow::wire {

void put8(Bytes& out, std::uint8_t value) {
  out.push_back(value);
}

void put16(Bytes& out, std::uint16_t value) {
  out.push_back(static_cast<std::uint8_t>(value >> 8));
  out.push_back(static_cast<std::uint8_t>(value));
}

void put32(Bytes& out, std::uint32_t value) {
  put16(out, static_cast<std::uint16_t>(value >> 16));
  put16(out, static_cast<std::uint16_t>(value));
}

void put64(Bytes& out, std::uint64_t value) {
  put32(out, static_cast<std::uint32_t>(value >> 32));
  put32(out, static_cast<std::uint32_t>(value));
}

void pad8(Bytes& out, std::size_t start) {
  while ((out.size() - start) % 8 != 0) out.push_back(0);
}

std::uint16_t get16(const std::uint8_t* at) {
  return static_cast<std::uint16_t>(at[0] << 8 | at[1]);
}

std::uint32_t get32(const std::uint8_t* at) {
  return std::uint32_t{get16(at)} << 16 | get16(at + 2);
}

Bytes message(Type type, std::uint32_t xid, const Bytes& body) {
  Bytes out;
  out.reserve(kHeaderSize + body.size() + 7);
  put8(out, kVersion);
  put8(out, type);
  put16(out, 0);
  put32(out, xid);
  out.insert(out.end(), body.begin(), body.end());
  pad8(out, 0);
  out[2] = static_cast<std::uint8_t>(out.size() >> 8);
  out[3] = static_cast<std::uint8_t>(out.size());
  return out;
}

std::optional<Header> read_header(const std::uint8_t* bytes, std::size_t size) {
  if (size < kHeaderSize) return std::nullopt;
  return Header{bytes[0], bytes[1], get16(bytes + 2), get32(bytes + 4)};
}

Bytes hello(std::uint32_t xid) {
  Bytes body;
  put16(body, 1);  // OFPHET_VERSIONBITMAP
  put16(body, 8);
  put32(body, 1u << kVersion);
  return message(kHello, xid, body);
}

bool offers_version(const Bytes& hello) {
  const auto header = read_header(hello.data(), hello.size());
  if (!header) return false;
  // Elements: type, length, then the bitmaps of a version bitmap element.
  for (std::size_t at = kHeaderSize; at + 4 <= hello.size();) {
    const std::uint16_t type = get16(&hello[at]);
    const std::uint16_t length = get16(&hello[at + 2]);
    if (length < 4 || at + length > hello.size()) break;
    if (type == 1 && length >= 8) return (get32(&hello[at + 4]) >> kVersion) & 1;
    at += (length + 7u) / 8 * 8;
  }
  return header->version >= kVersion;
}

Bytes port_desc_request(std::uint32_t xid) {
  Bytes body;
  put16(body, kMultipartPortDesc);
  put16(body, 0);
  put32(body, 0);
  return message(kMultipartRequest, xid, body);
}

Bytes bundle_control(std::uint32_t xid, std::uint32_t bundle, std::uint16_t type,
                     std::uint16_t flags) {
  Bytes body;
  put32(body, bundle);
  put16(body, type);
  put16(body, flags);
  return message(kBundleControl, xid, body);
}

Bytes bundle_add(std::uint32_t xid, std::uint32_t bundle, std::uint16_t flags, const Bytes& inner) {
  Bytes body;
  put32(body, bundle);
  put16(body, 0);
  put16(body, flags);
  body.insert(body.end(), inner.begin(), inner.end());
  return message(kBundleAddMessage, xid, body);
}

namespace {

struct ErrorType {
  std::string_view name;
  std::string_view prefix;
  std::vector<std::string_view> codes;
};

// The error types of OpenFlow 1.4 that a flow or group bundle can meet, with their codes in
// order; the rest are named by type alone.
const std::array<ErrorType, 18>& error_types() {
  static const std::array<ErrorType, 18> types = {{
      {"OFPET_HELLO_FAILED", "OFPHFC_", {"INCOMPATIBLE", "EPERM"}},
      {"OFPET_BAD_REQUEST",
       "OFPBRC_",
       {"BAD_VERSION", "BAD_TYPE", "BAD_MULTIPART", "BAD_EXPERIMENTER", "BAD_EXP_TYPE", "EPERM",
        "BAD_LEN", "BUFFER_EMPTY", "BUFFER_UNKNOWN", "BAD_TABLE_ID", "IS_SLAVE", "BAD_PORT",
        "BAD_PACKET", "MULTIPART_BUFFER_OVERFLOW", "MULTIPART_REQUEST_TIMEOUT",
        "MULTIPART_REPLY_TIMEOUT"}},
      {"OFPET_BAD_ACTION",
       "OFPBAC_",
       {"BAD_TYPE", "BAD_LEN", "BAD_EXPERIMENTER", "BAD_EXP_TYPE", "BAD_OUT_PORT", "BAD_ARGUMENT",
        "EPERM", "TOO_MANY", "BAD_QUEUE", "BAD_OUT_GROUP", "MATCH_INCONSISTENT",
        "UNSUPPORTED_ORDER", "BAD_TAG", "BAD_SET_TYPE", "BAD_SET_LEN", "BAD_SET_ARGUMENT"}},
      {"OFPET_BAD_INSTRUCTION",
       "OFPBIC_",
       {"UNKNOWN_INST", "UNSUP_INST", "BAD_TABLE_ID", "UNSUP_METADATA", "UNSUP_METADATA_MASK",
        "BAD_EXPERIMENTER", "BAD_EXP_TYPE", "BAD_LEN", "EPERM", "DUP_INST"}},
      {"OFPET_BAD_MATCH",
       "OFPBMC_",
       {"BAD_TYPE", "BAD_LEN", "BAD_TAG", "BAD_DL_ADDR_MASK", "BAD_NW_ADDR_MASK", "BAD_WILDCARDS",
        "BAD_FIELD", "BAD_VALUE", "BAD_MASK", "BAD_PREREQ", "DUP_FIELD", "EPERM"}},
      {"OFPET_FLOW_MOD_FAILED",
       "OFPFMFC_",
       {"UNKNOWN", "TABLE_FULL", "BAD_TABLE_ID", "OVERLAP", "EPERM", "BAD_TIMEOUT", "BAD_COMMAND",
        "BAD_FLAGS", "CANT_SYNC", "BAD_PRIORITY", "IS_SYNC"}},
      {"OFPET_GROUP_MOD_FAILED",
       "OFPGMFC_",
       {"GROUP_EXISTS", "INVALID_GROUP", "WEIGHT_UNSUPPORTED", "OUT_OF_GROUPS", "OUT_OF_BUCKETS",
        "CHAINING_UNSUPPORTED", "WATCH_UNSUPPORTED", "LOOP", "UNKNOWN_GROUP", "CHAINED_GROUP",
        "BAD_TYPE", "BAD_COMMAND", "BAD_BUCKET", "BAD_WATCH", "EPERM"}},
      {"OFPET_PORT_MOD_FAILED", "", {}},
      {"OFPET_TABLE_MOD_FAILED", "", {}},
      {"OFPET_QUEUE_OP_FAILED", "", {}},
      {"OFPET_SWITCH_CONFIG_FAILED", "", {}},
      {"OFPET_ROLE_REQUEST_FAILED", "", {}},
      {"OFPET_METER_MOD_FAILED",
       "OFPMMFC_",
       {"UNKNOWN", "METER_EXISTS", "INVALID_METER", "UNKNOWN_METER", "BAD_COMMAND", "BAD_FLAGS",
        "BAD_RATE", "BAD_BURST", "BAD_BAND", "BAD_BAND_VALUE", "OUT_OF_METERS", "OUT_OF_BANDS"}},
      {"OFPET_TABLE_FEATURES_FAILED", "", {}},
      {"OFPET_BAD_PROPERTY", "", {}},
      {"OFPET_ASYNC_CONFIG_FAILED", "", {}},
      {"OFPET_FLOW_MONITOR_FAILED", "", {}},
      {"OFPET_BUNDLE_FAILED",
       "OFPBFC_",
       {"UNKNOWN", "EPERM", "BAD_ID", "BUNDLE_EXIST", "BUNDLE_CLOSED", "OUT_OF_BUNDLES", "BAD_TYPE",
        "BAD_FLAGS", "MSG_BAD_LEN", "MSG_BAD_XID", "MSG_UNSUP", "MSG_CONFLICT", "MSG_TOO_MANY",
        "MSG_FAILED", "TIMEOUT", "BUNDLE_IN_PROGRESS"}},
  }};
  return types;
}

}  // namespace

std::string error_name(std::uint16_t type, std::uint16_t code) {
  const auto& types = error_types();
  if (type >= types.size()) {
    return "error type " + std::to_string(type) + " code " + std::to_string(code);
  }
  const ErrorType& known = types[type];
  const std::string type_name(known.name);
  if (code >= known.codes.size()) return type_name + " code " + std::to_string(code);
  return std::string(known.prefix) + std::string(known.codes[code]) + " (" + type_name + ")";
}

}  // namespace mirari::openflow::wire
