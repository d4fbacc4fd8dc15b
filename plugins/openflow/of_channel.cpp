#include "of_channel.hpp"

#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <map>
#include <optional>

#include "of_replies.hpp"

namespace mirari::openflow {

namespace {

std::string system_error(const std::string& what) {
  return what + ": " + std::strerror(errno);
}

}  // namespace

OfChannel::OfChannel(const std::filesystem::path& socket, std::chrono::milliseconds timeout)
    : where_(socket.string()), timeout_(timeout) {
  fd_.reset(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!fd_) throw OfctlError(system_error("cannot make a socket"));
  ::timeval tv{};
  tv.tv_sec = static_cast<time_t>(timeout.count() / 1000);
  tv.tv_usec = static_cast<suseconds_t>(timeout.count() % 1000 * 1000);
  ::setsockopt(fd_.get(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  ::setsockopt(fd_.get(), SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  ::sockaddr_un address{};
  address.sun_family = AF_UNIX;
  if (where_.size() >= sizeof address.sun_path) {
    throw OfctlError("cannot connect to " + where_ + ": the path is too long for a socket");
  }
  std::memcpy(address.sun_path, where_.c_str(), where_.size() + 1);
  while (::connect(fd_.get(), reinterpret_cast<const ::sockaddr*>(&address), sizeof address) != 0) {
    if (errno != EINTR) throw OfctlError(system_error("cannot connect to " + where_));
  }
  send(wire::hello(next_xid_++));
  const wire::Bytes reply = receive();
  if (reply[1] == wire::kError) {
    throw OfctlError("the switch at " + where_ + " refused OpenFlow 1.4 (" +
                     wire::error_name(wire::get16(&reply[8]), wire::get16(&reply[10])) + ")");
  }
  if (reply[1] != wire::kHello || !wire::offers_version(reply)) {
    throw OfctlError("the switch at " + where_ + " does not speak OpenFlow 1.4");
  }
}

void OfChannel::send(const wire::Bytes& bytes) {
  std::size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::send(fd_.get(), bytes.data() + done, bytes.size() - done, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw OfctlError(system_error("talking to " + where_));
    done += static_cast<std::size_t>(n);
  }
}

wire::Bytes OfChannel::receive() {
  for (;;) {
    wire::Bytes message(wire::kHeaderSize);
    std::size_t want = wire::kHeaderSize;
    for (std::size_t done = 0; done < want;) {
      const ssize_t n = ::recv(fd_.get(), message.data() + done, want - done, 0);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
        throw OfctlError("talking to " + where_ + ": no answer within " +
                         std::to_string(timeout_.count()) + " ms");
      }
      if (n < 0) throw OfctlError(system_error("talking to " + where_));
      if (n == 0) throw OfctlError("talking to " + where_ + ": the switch closed the connection");
      done += static_cast<std::size_t>(n);
      if (done == wire::kHeaderSize && want == wire::kHeaderSize) {
        const auto header = wire::read_header(message.data(), message.size());
        if (header->length < wire::kHeaderSize) {
          throw OfctlError("talking to " + where_ + ": a message shorter than its header");
        }
        want = header->length;
        message.resize(want);
      }
    }
    if (message[1] != wire::kEchoRequest) return message;
    message[1] = wire::kEchoReply;
    send(message);
  }
}

std::vector<wire::Bytes> OfChannel::multipart_replies(std::uint32_t xid, const std::string& what) {
  std::vector<wire::Bytes> bodies;
  for (;;) {
    const wire::Bytes reply = receive();
    if (wire::get32(&reply[4]) != xid) continue;
    if (reply[1] == wire::kError && reply.size() >= 12) {
      throw OfctlError("reading the " + what + " of " + where_ + ": " +
                       wire::error_name(wire::get16(&reply[8]), wire::get16(&reply[10])));
    }
    if (reply[1] != wire::kMultipartReply || reply.size() < 16) {
      throw OfctlError("reading the " + what + " of " + where_ + ": an unexpected reply");
    }
    bodies.emplace_back(reply.begin() + 16, reply.end());
    if ((wire::get16(&reply[10]) & wire::kMultipartReplyMore) == 0) return bodies;
  }
}

PortNumbers OfChannel::ports() {
  const std::uint32_t xid = next_xid_++;
  send(wire::port_desc_request(xid));
  return port_numbers(multipart_replies(xid, "ports"));
}

std::string OfChannel::holding() {
  // ofp_flow_stats_request: every table, any out_port and out_group, any cookie, empty match.
  wire::Bytes flows;
  wire::put16(flows, 1);  // OFPMP_FLOW
  wire::put16(flows, 0);
  wire::put32(flows, 0);
  wire::put8(flows, 0xff);
  flows.insert(flows.end(), 3, 0);
  wire::put32(flows, wire::kPortAny);
  wire::put32(flows, wire::kGroupAny);
  wire::put32(flows, 0);
  wire::put64(flows, 0);
  wire::put64(flows, 0);
  wire::put16(flows, 1);  // OFPMT_OXM, no entries
  wire::put16(flows, 4);
  wire::put32(flows, 0);
  wire::Bytes groups;
  wire::put16(groups, 7);  // OFPMP_GROUP_DESC
  wire::put16(groups, 0);
  wire::put32(groups, 0);
  const std::uint32_t flows_xid = next_xid_++, groups_xid = next_xid_++;
  wire::Bytes both = wire::message(wire::kMultipartRequest, flows_xid, flows);
  const wire::Bytes second = wire::message(wire::kMultipartRequest, groups_xid, groups);
  both.insert(both.end(), second.begin(), second.end());
  send(both);
  // ofp_flow_stats: duration_sec and duration_nsec at 4 to 12, packet_count and byte_count
  // at 32 to 48: what changes while the rule stays the same.
  const std::string held_flows =
      sorted_entries(multipart_replies(flows_xid, "flows"), {{4, 12}, {32, 48}});
  return held_flows + "\n" + sorted_entries(multipart_replies(groups_xid, "groups"), {});
}

void OfChannel::bundle(const std::vector<wire::Bytes>& messages,
                       const std::vector<std::string>& lines) {
  constexpr std::uint32_t kBundle = 1;  // the connection's only bundle
  constexpr std::uint16_t kFlags = wire::kBundleAtomic | wire::kBundleOrdered;
  // Open vSwitch checks each ADD as it comes, refuses a bad one alone and would commit the
  // rest: so OPEN and every ADD go in one write, followed by a barrier, and COMMIT is sent
  // only when no refusal came before the barrier's reply. A refused bundle is never
  // committed; the switch drops it with the connection.
  wire::Bytes out;
  const std::uint32_t open = next_xid_++;
  std::map<std::uint32_t, std::size_t> index;  // xid → message
  const wire::Bytes open_request = wire::bundle_control(open, kBundle, wire::kOpenRequest, kFlags);
  out.insert(out.end(), open_request.begin(), open_request.end());
  for (std::size_t i = 0; i < messages.size(); ++i) {
    const std::uint32_t xid = next_xid_++;
    wire::Bytes inner = messages[i];
    for (int b = 0; b < 4; ++b) inner[4 + b] = static_cast<std::uint8_t>(xid >> (24 - 8 * b));
    const wire::Bytes add = wire::bundle_add(xid, kBundle, kFlags, inner);
    out.insert(out.end(), add.begin(), add.end());
    index.emplace(xid, i);
  }
  const std::uint32_t barrier = next_xid_++;
  const wire::Bytes barrier_request = wire::message(wire::kBarrierRequest, barrier, {});
  out.insert(out.end(), barrier_request.begin(), barrier_request.end());
  send(out);

  // Reads replies until the one to xid; throws the first refusal met on the way, naming the
  // message it refers to.
  const auto await = [&](std::uint32_t until) {
    std::optional<std::string> refusal;
    for (;;) {
      const wire::Bytes reply = receive();
      const std::uint32_t xid = wire::get32(&reply[4]);
      if (reply[1] == wire::kError && reply.size() >= 12 && !refusal) {
        std::string text =
            "Error " + wire::error_name(wire::get16(&reply[8]), wire::get16(&reply[10]));
        // The error names the message by its xid, and carries the message's start.
        auto found = index.find(xid);
        if (found == index.end() && reply.size() >= 20) {
          found = index.find(wire::get32(&reply[16]));
        }
        if (found != index.end() && found->second < lines.size()) {
          text += " (in '" + lines[found->second] + "')";
        }
        refusal = std::move(text);
      }
      if (xid == until) break;
    }
    if (refusal) throw OfctlError(*refusal);
  };
  await(barrier);
  const std::uint32_t commit = next_xid_++;
  send(wire::bundle_control(commit, kBundle, wire::kCommitRequest, kFlags));
  await(commit);
}

}  // namespace mirari::openflow
