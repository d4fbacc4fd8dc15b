#include "wire.hpp"

#include <cstring>

#include "protocol_error.hpp"

namespace mirari::xenstored {

namespace {

const char* error_name(int code) {
  for (const auto& error : xsd_errors) {
    if (error.errnum == code) return error.errstring;
  }
  return "EINVAL";
}

}  // namespace

Header decode_header(const std::array<char, kHeaderSize>& bytes) {
  xsd_sockmsg raw;
  std::memcpy(&raw, bytes.data(), kHeaderSize);
  return {raw.type, raw.req_id, raw.tx_id, raw.len};
}

std::string encode_message(std::uint32_t type, std::uint32_t req_id, std::uint32_t tx_id,
                           std::string_view payload) {
  const xsd_sockmsg raw{type, req_id, tx_id, static_cast<std::uint32_t>(payload.size())};
  std::string message(kHeaderSize + payload.size(), '\0');
  std::memcpy(message.data(), &raw, kHeaderSize);
  std::memcpy(message.data() + kHeaderSize, payload.data(), payload.size());
  return message;
}

std::string encode_reply(const Header& request, std::string_view payload) {
  return encode_message(request.type, request.req_id, request.tx_id, payload);
}

std::string encode_error(const Header& request, int code) {
  const char* name = error_name(code);
  return encode_message(XS_ERROR, request.req_id, request.tx_id,
                        std::string_view(name, std::strlen(name) + 1));
}

std::string encode_watch_event(std::string_view path, std::string_view token) {
  std::string payload;
  payload.append(path).push_back('\0');
  payload.append(token).push_back('\0');
  return encode_message(XS_WATCH_EVENT, 0, 0, payload);
}

std::vector<std::string_view> split_strings(std::string_view payload) {
  if (payload.empty() || payload.back() != '\0') {
    throw ProtocolError(EINVAL, "payload does not end with a NUL");
  }
  std::vector<std::string_view> strings;
  for (std::size_t start = 0; start < payload.size();) {
    const std::size_t end = payload.find('\0', start);
    strings.push_back(payload.substr(start, end - start));
    start = end + 1;
  }
  return strings;
}

std::string join_strings(const std::vector<std::string>& strings) {
  std::string joined;
  for (const auto& string : strings) joined.append(string).push_back('\0');
  return joined;
}

}  // namespace mirari::xenstored
