// The XenStore wire format (xen/io/xs_wire.h): a 16-byte struct xsd_sockmsg header in host
// byte order, then `len` bytes of payload, at most XENSTORE_PAYLOAD_MAX. Payloads are mostly
// NUL-terminated strings; replies copy the request's req_id and tx_id; an error is an
// XS_ERROR message whose payload is the errno's name ("ENOENT\0"); a watch event is an
// XS_WATCH_EVENT with req_id and tx_id 0 and payload "path\0token\0".
#pragma once

// xs_wire.h needs uint32_t, and defines its table of error names only when errno's names are
// known.
#include <cerrno>
#include <cstdint>

#include <xen/io/xs_wire.h>

#include <array>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace mirari::xenstored {

inline constexpr std::size_t kHeaderSize = sizeof(xsd_sockmsg);
inline constexpr std::uint32_t kPayloadMax = XENSTORE_PAYLOAD_MAX;
inline constexpr std::size_t kAbsolutePathMax = XENSTORE_ABS_PATH_MAX;
inline constexpr std::size_t kRelativePathMax = XENSTORE_REL_PATH_MAX;

struct Header {
  std::uint32_t type = 0;
  std::uint32_t req_id = 0;
  std::uint32_t tx_id = 0;
  std::uint32_t len = 0;
};

Header decode_header(const std::array<char, kHeaderSize>& bytes);

// A whole message (header and payload) ready to send; len is payload's size.
std::string encode_message(std::uint32_t type, std::uint32_t req_id, std::uint32_t tx_id,
                           std::string_view payload);
// The reply to request, of the request's type.
std::string encode_reply(const Header& request, std::string_view payload);
// An XS_ERROR reply naming code (EINVAL for a code xs_wire.h does not list).
std::string encode_error(const Header& request, int code);
std::string encode_watch_event(std::string_view path, std::string_view token);

// The NUL-terminated strings a payload consists of. Throws ProtocolError(EINVAL) when the
// payload does not end with a NUL (an unterminated last string).
std::vector<std::string_view> split_strings(std::string_view payload);
// Each string followed by a NUL.
std::string join_strings(const std::vector<std::string>& strings);

}  // namespace mirari::xenstored
