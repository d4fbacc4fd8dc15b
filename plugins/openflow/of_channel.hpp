// One OpenFlow 1.4 connection to a bridge's management socket (unix:RUNDIR/BRIDGE.mgmt),
// spoken by the plugin itself: version negotiation, the port description, and one atomic,
// ordered bundle. Every call blocks the calling thread, each wait for the switch at most the
// timeout given: use it from the plugin's executor, never from the graph's thread.
//
// Invariant: a bundle either commits whole or changes nothing: the channel sends OPEN and every
// ADD, then COMMIT only when the switch refused none of them (a barrier tells), and reports
// success only on the switch's COMMIT_REPLY; anything else (an error, a closed or silent
// socket) is an OfctlError, and a bundle never committed is dropped by the switch with the
// connection.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include <mirari/unique_fd.hpp>

#include "of_fields.hpp"
#include "ofctl.hpp"

namespace mirari::openflow {

class OfChannel {
 public:
  // Connects to socket and agrees on OpenFlow 1.4. Throws OfctlError ("cannot connect to
  // ...: No such file or directory", "the switch does not speak OpenFlow 1.4").
  OfChannel(const std::filesystem::path& socket, std::chrono::milliseconds timeout);

  // The bridge's ports by name (OFPMP_PORT_DESC), its own internal port by the bridge's name.
  PortNumbers ports();

  // What the bridge holds, in a form that compares: its flows (OFPMP_FLOW, every table) with
  // their durations and counters zeroed, then its groups (OFPMP_GROUP_DESC), each list sorted.
  // Two reads of the same rules compare equal whatever order the switch gave them in, and
  // differ when a rule was added, removed or changed.
  std::string holding();

  // Sends messages (of_bundle.hpp) as one bundle with OFPBF_ATOMIC | OFPBF_ORDERED. When the
  // switch refuses it, throws OfctlError "Error CODE (TYPE) (in 'LINE')", LINE being
  // lines[i] for the message i the switch named (bundle_file.hpp's lines), or without the
  // quote when it named none of them; the bridge then holds what it held before.
  void bundle(const std::vector<wire::Bytes>& messages, const std::vector<std::string>& lines);

 private:
  void send(const wire::Bytes& bytes);
  // The bodies (after the multipart header) of the replies to the multipart request xid,
  // sent already.
  std::vector<wire::Bytes> multipart_replies(std::uint32_t xid, const std::string& what);
  // The next message from the switch (echo requests are answered on the way).
  wire::Bytes receive();

  std::string where_;
  std::chrono::milliseconds timeout_;
  UniqueFd fd_;
  std::uint32_t next_xid_ = 1;
};

}  // namespace mirari::openflow
