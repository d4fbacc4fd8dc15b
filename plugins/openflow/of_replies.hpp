// Readers of the bodies of the switch's multipart replies, apart from the socket they came on:
// whatever bytes a switch (or anything else on its socket) sends, they give an answer and never
// read beyond them. An entry whose length field does not fit its body ends that body.
#pragma once

#include <cstddef>
#include <initializer_list>
#include <string>
#include <vector>

#include "of_fields.hpp"
#include "of_message.hpp"

namespace mirari::openflow {

// The bridge's ports by name, from OFPMP_PORT_DESC reply bodies (ofp_port: port_no, length,
// pad, hw_addr, pad, name[16], ...).
PortNumbers port_numbers(const std::vector<wire::Bytes>& bodies);

// Bytes [from, to) of an entry.
struct Span {
  std::size_t from, to;
};

// The entries of multipart reply bodies (each starting with its 16-bit length), sorted and
// concatenated, each with the bytes of cleared zeroed: two reads of the same entries compare
// equal whatever order the switch gave them in.
std::string sorted_entries(const std::vector<wire::Bytes>& bodies,
                           std::initializer_list<Span> cleared);

}  // namespace mirari::openflow
