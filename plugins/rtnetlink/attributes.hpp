// The attributes of one rtnetlink message, looked up by type, read defensively.
//
// Invariant: an accessor returns a value only for an attribute whose payload has the size
// (or, for strings, the terminating NUL) its type requires. Types above Max (what a newer
// kernel adds), malformed attributes and whatever follows a truncated one are left out, so
// a parser built on this ignores what it does not understand instead of failing.
#pragma once

#include <libmnl/libmnl.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>

namespace mirari::rtnetlink {

template <std::uint16_t Max>
class Attributes {
 public:
  // The attributes that follow the message's family header of header_size bytes. Nothing
  // when the message is too short to hold that header.
  Attributes(const nlmsghdr& msg, std::size_t header_size) {
    if (mnl_nlmsg_get_payload_len(&msg) < header_size) return;
    mnl_attr_parse(&msg, static_cast<unsigned>(header_size), &Attributes::keep, this);
  }
  // The attributes nested in attribute type, when it is there.
  static Attributes nested(const nlattr* outer) {
    Attributes inner;
    if (outer != nullptr) mnl_attr_parse_nested(outer, &Attributes::keep, &inner);
    return inner;
  }

  const nlattr* get(std::uint16_t type) const noexcept {
    return type <= Max ? seen_[type] : nullptr;
  }

  std::optional<std::uint8_t> u8(std::uint16_t type) const {
    const nlattr* a = checked(type, MNL_TYPE_U8);
    return a != nullptr ? std::optional(mnl_attr_get_u8(a)) : std::nullopt;
  }
  std::optional<std::uint32_t> u32(std::uint16_t type) const {
    const nlattr* a = checked(type, MNL_TYPE_U32);
    return a != nullptr ? std::optional(mnl_attr_get_u32(a)) : std::nullopt;
  }
  std::optional<std::string> string(std::uint16_t type) const {
    const nlattr* a = checked(type, MNL_TYPE_NUL_STRING);
    return a != nullptr ? std::optional<std::string>(mnl_attr_get_str(a)) : std::nullopt;
  }
  // The raw payload; empty when the attribute is absent.
  std::span<const std::byte> bytes(std::uint16_t type) const {
    const nlattr* a = get(type);
    if (a == nullptr) return {};
    return {static_cast<const std::byte*>(mnl_attr_get_payload(a)), mnl_attr_get_payload_len(a)};
  }

 private:
  Attributes() = default;

  static int keep(const nlattr* attr, void* data) {
    auto* self = static_cast<Attributes*>(data);
    const std::uint16_t type = mnl_attr_get_type(attr);
    if (type <= Max) self->seen_[type] = attr;
    return MNL_CB_OK;
  }
  const nlattr* checked(std::uint16_t type, mnl_attr_data_type kind) const {
    const nlattr* a = get(type);
    return a != nullptr && mnl_attr_validate(a, kind) >= 0 ? a : nullptr;
  }

  std::array<const nlattr*, Max + 1> seen_{};
};

}  // namespace mirari::rtnetlink
