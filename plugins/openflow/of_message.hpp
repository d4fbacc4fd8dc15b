// OpenFlow 1.4's wire form (OpenFlow Switch Specification 1.4.0) of the messages the plugin
// sends to a bridge and of the replies it reads: the header, HELLO, the port description
// request, bundle control and bundle add, and the names of the error types and codes. Every
// number goes in network byte order.
//
// Invariant: every message built here is whole: its header's length is its size, and its size
// is a multiple of 8 (OpenFlow's alignment), so messages can be sent back to back.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace mirari::openflow::wire {

using Bytes = std::vector<std::uint8_t>;

inline constexpr std::uint8_t kVersion = 0x05;  // OpenFlow 1.4
inline constexpr std::size_t kHeaderSize = 8;

enum Type : std::uint8_t {
  kHello = 0,
  kError = 1,
  kEchoRequest = 2,
  kEchoReply = 3,
  kFlowMod = 14,
  kGroupMod = 15,
  kMultipartRequest = 18,
  kMultipartReply = 19,
  kBarrierRequest = 20,
  kBarrierReply = 21,
  kBundleControl = 33,
  kBundleAddMessage = 34,
};

// OFPBCT_*
enum BundleControlType : std::uint16_t {
  kOpenRequest = 0,
  kOpenReply = 1,
  kCommitRequest = 4,
  kCommitReply = 5,
};
inline constexpr std::uint16_t kBundleAtomic = 1;   // OFPBF_ATOMIC
inline constexpr std::uint16_t kBundleOrdered = 2;  // OFPBF_ORDERED

inline constexpr std::uint16_t kMultipartPortDesc = 13;  // OFPMP_PORT_DESC
inline constexpr std::uint16_t kMultipartReplyMore = 1;  // OFPMPF_REPLY_MORE

// Reserved port numbers (OFPP_*) and group ids (OFPG_*).
inline constexpr std::uint32_t kPortMax = 0xffffff00;
inline constexpr std::uint32_t kPortInPort = 0xfffffff8;
inline constexpr std::uint32_t kPortNormal = 0xfffffffa;
inline constexpr std::uint32_t kPortFlood = 0xfffffffb;
inline constexpr std::uint32_t kPortAll = 0xfffffffc;
inline constexpr std::uint32_t kPortController = 0xfffffffd;
inline constexpr std::uint32_t kPortLocal = 0xfffffffe;
inline constexpr std::uint32_t kPortAny = 0xffffffff;
inline constexpr std::uint32_t kGroupAll = 0xfffffffc;
inline constexpr std::uint32_t kGroupAny = 0xffffffff;

void put8(Bytes& out, std::uint8_t value);
void put16(Bytes& out, std::uint16_t value);
void put32(Bytes& out, std::uint32_t value);
void put64(Bytes& out, std::uint64_t value);
// Zeros until out's size from start is a multiple of 8.
void pad8(Bytes& out, std::size_t start);
std::uint16_t get16(const std::uint8_t* at);
std::uint32_t get32(const std::uint8_t* at);

struct Header {
  std::uint8_t version = 0;
  std::uint8_t type = 0;
  std::uint16_t length = 0;
  std::uint32_t xid = 0;
};

// The message of type with body after its header.
Bytes message(Type type, std::uint32_t xid, const Bytes& body);
// The header at the start of bytes; none when fewer than kHeaderSize bytes are given.
std::optional<Header> read_header(const std::uint8_t* bytes, std::size_t size);

// HELLO offering OpenFlow 1.4 alone (a version bitmap element with that one bit).
Bytes hello(std::uint32_t xid);
// Whether a HELLO from the switch offers OpenFlow 1.4: its bitmap has the bit, or, without a
// bitmap, its header's version is 1.4 or later.
bool offers_version(const Bytes& hello);
// OFPMP_PORT_DESC request.
Bytes port_desc_request(std::uint32_t xid);
// OFPT_BUNDLE_CONTROL.
Bytes bundle_control(std::uint32_t xid, std::uint32_t bundle, std::uint16_t type,
                     std::uint16_t flags);
// OFPT_BUNDLE_ADD_MESSAGE carrying inner, whose xid must be xid (Open vSwitch refuses an inner
// message whose xid differs).
Bytes bundle_add(std::uint32_t xid, std::uint32_t bundle, std::uint16_t flags, const Bytes& inner);

// "OFPBAC_BAD_OUT_PORT (OFPET_BAD_ACTION)": an error's code and type by their names in the
// specification; numbers for those it does not name.
std::string error_name(std::uint16_t type, std::uint16_t code);

}  // namespace mirari::openflow::wire
