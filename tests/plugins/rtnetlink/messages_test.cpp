// Walking a datagram's netlink messages: a message that claims more than the datagram holds
// ends the walk, whatever length it claims.
#include <catch2/catch.hpp>

#include <linux/netlink.h>

#include <cstdint>
#include <cstring>
#include <string_view>
#include <vector>

#include "rtnetlink/messages.hpp"

namespace mirari::rtnetlink {
namespace {

// A datagram of messages with the given claimed lengths, each taking NLMSG_ALIGN(16) bytes.
std::vector<std::uint32_t> datagram(std::initializer_list<std::uint32_t> lengths) {
  std::vector<std::uint32_t> words;
  for (std::uint32_t length : lengths) {
    nlmsghdr header{};
    header.nlmsg_len = length;
    header.nlmsg_type = NLMSG_MIN_TYPE;
    words.resize(words.size() + sizeof header / 4);
    std::memcpy(words.data() + words.size() - sizeof header / 4, &header, sizeof header);
  }
  return words;
}

int count(const std::vector<std::uint32_t>& words) {
  std::string_view rest(reinterpret_cast<const char*>(words.data()), words.size() * 4);
  int messages = 0;
  while (take_message(rest) != nullptr) ++messages;
  return messages;
}

TEST_CASE("every whole message of a datagram is taken") {
  CHECK(count(datagram({16, 16, 16})) == 3);
  CHECK(count({}) == 0);
}

TEST_CASE("a message shorter than its header, or longer than what is left, ends the walk") {
  CHECK(count(datagram({16, 8, 16})) == 1);
  CHECK(count(datagram({16, 33})) == 1);
}

TEST_CASE("a length of 2 GiB or more ends the walk instead of stepping past the datagram") {
  // libmnl's mnl_nlmsg_ok takes these as negative ints and accepts them.
  CHECK(count(datagram({16, 0x80000000U, 16})) == 1);
  CHECK(count(datagram({0xfffffff0U})) == 0);
}

TEST_CASE("a last message shorter than its alignment is still taken") {
  std::vector<std::uint32_t> words = datagram({17});
  words.push_back(0);  // the datagram ends 3 bytes short of the aligned length
  std::string_view rest(reinterpret_cast<const char*>(words.data()), 17);
  CHECK(take_message(rest) != nullptr);
  CHECK(rest.empty());
}

}  // namespace
}  // namespace mirari::rtnetlink
