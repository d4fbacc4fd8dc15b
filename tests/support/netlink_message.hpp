// Building rtnetlink messages by hand (with libmnl), to feed message readers what a kernel
// might send, malformed input included.
#pragma once

#include <libmnl/libmnl.h>

#include <array>
#include <cstdint>
#include <cstring>
#include <initializer_list>
#include <string>
#include <vector>

namespace mirari::testing {

class NetlinkMessage {
 public:
  // A message of type whose family header is header.
  template <class Header>
  NetlinkMessage(std::uint16_t type, const Header& header) {
    nlh_ = mnl_nlmsg_put_header(buffer_.data());
    nlh_->nlmsg_type = type;
    std::memcpy(mnl_nlmsg_put_extra_header(nlh_, sizeof header), &header, sizeof header);
  }
  NetlinkMessage(const NetlinkMessage&) = delete;
  NetlinkMessage& operator=(const NetlinkMessage&) = delete;

  NetlinkMessage& u8(std::uint16_t type, std::uint8_t value) {
    mnl_attr_put_u8(nlh_, type, value);
    return *this;
  }
  NetlinkMessage& u16(std::uint16_t type, std::uint16_t value) {
    mnl_attr_put_u16(nlh_, type, value);
    return *this;
  }
  NetlinkMessage& u32(std::uint16_t type, std::uint32_t value) {
    mnl_attr_put_u32(nlh_, type, value);
    return *this;
  }
  NetlinkMessage& string(std::uint16_t type, const std::string& value) {
    mnl_attr_put_strz(nlh_, type, value.c_str());
    return *this;
  }
  NetlinkMessage& bytes(std::uint16_t type, std::initializer_list<std::uint8_t> value) {
    const std::vector<std::uint8_t> data(value);
    mnl_attr_put(nlh_, type, data.size(), data.data());
    return *this;
  }
  // A nested attribute holding a string attribute.
  NetlinkMessage& nested_string(std::uint16_t outer, std::uint16_t inner,
                                const std::string& value) {
    nlattr* nest = mnl_attr_nest_start(nlh_, outer);
    mnl_attr_put_strz(nlh_, inner, value.c_str());
    mnl_attr_nest_end(nlh_, nest);
    return *this;
  }
  // Bytes that claim to be an attribute of declared_length but stop short.
  NetlinkMessage& truncated_attribute(std::uint16_t type, std::uint16_t declared_length) {
    nlattr header{declared_length, type};
    auto* tail = static_cast<char*>(mnl_nlmsg_get_payload_tail(nlh_));
    std::memcpy(tail, &header, sizeof header);
    nlh_->nlmsg_len += sizeof header;
    return *this;
  }

  const nlmsghdr& get() const noexcept { return *nlh_; }

 private:
  alignas(nlmsghdr) std::array<char, 4096> buffer_{};
  nlmsghdr* nlh_;
};

}  // namespace mirari::testing
