// A network namespace's main IPv4 routing table as its rtnetlink notifications tell it, for
// the benchmarks that time a route reaching a router's kernel: a thread blocks on a socket
// subscribed to the namespace's IPv4 route group and stamps each notification as it arrives,
// so no polling bounds the resolution (the thread's wake-up does).
//
// Invariant: seen() answers with the latest notification for a prefix since the last reset(),
// of the routes of one protocol (RTPROT_BGP: `proto bgp`) only; the thread stops before the
// socket closes.
#pragma once

#include <arpa/inet.h>
#include <linux/rtnetlink.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <system_error>
#include <thread>

#include "rtnetlink/netns.hpp"
#include "rtnetlink/socket.hpp"

namespace mirari::bench {

class RouteWatch {
 public:
  using Clock = std::chrono::steady_clock;
  // The latest notification for a prefix: the route added (or replaced), or deleted.
  struct Seen {
    bool present = false;
    Clock::time_point at;
  };

  // Subscribes in the named namespace to its IPv4 route notifications, of routes of protocol
  // only. Throws what rtnetlink::in_netns and the socket throw.
  RouteWatch(const std::string& netns, std::uint8_t protocol) : protocol_(protocol) {
    rtnetlink::in_netns(netns, [&] {
      socket_ = rtnetlink::Socket::open();
      socket_.subscribe(RTNLGRP_IPV4_ROUTE);
    });
    wake_ = ::eventfd(0, EFD_CLOEXEC);
    if (wake_ < 0) throw std::system_error(errno, std::generic_category(), "eventfd");
    thread_ = std::thread([this] { run(); });
  }
  ~RouteWatch() {
    const std::uint64_t one = 1;
    // An eventfd's counter cannot overflow from one write: it cannot fail.
    [[maybe_unused]] const ssize_t written = ::write(wake_, &one, sizeof one);
    thread_.join();
    ::close(wake_);
  }
  RouteWatch(const RouteWatch&) = delete;
  RouteWatch& operator=(const RouteWatch&) = delete;

  // Forgets every notification seen so far.
  void reset() {
    std::lock_guard lock(mutex_);
    seen_.clear();
  }
  // The latest notification for prefix ("198.51.100.0/24") since reset(); none: nullopt.
  std::optional<Seen> seen(const std::string& prefix) const {
    std::lock_guard lock(mutex_);
    const auto it = seen_.find(prefix);
    if (it == seen_.end()) return std::nullopt;
    return it->second;
  }
  // The kernel dropped notifications (its socket queue overflowed): what seen() says may be
  // stale.
  bool overflowed() const noexcept { return overflowed_; }

 private:
  void run() {
    alignas(nlmsghdr) std::array<char, 32768> buffer{};
    std::array<pollfd, 2> fds{pollfd{socket_.fd(), POLLIN, 0}, pollfd{wake_, POLLIN, 0}};
    for (;;) {
      if (::poll(fds.data(), fds.size(), -1) < 0 && errno != EINTR) return;
      if ((fds[1].revents & POLLIN) != 0) return;
      if ((fds[0].revents & POLLIN) == 0) continue;
      const ssize_t n = ::recv(socket_.fd(), buffer.data(), buffer.size(), MSG_DONTWAIT);
      const Clock::time_point at = Clock::now();
      if (n < 0) {
        if (errno == ENOBUFS) overflowed_ = true;
        continue;
      }
      int left = static_cast<int>(n);
      for (auto* msg = reinterpret_cast<const nlmsghdr*>(buffer.data()); mnl_nlmsg_ok(msg, left);
           msg = mnl_nlmsg_next(msg, &left)) {
        if (msg->nlmsg_type == RTM_NEWROUTE || msg->nlmsg_type == RTM_DELROUTE) note(*msg, at);
      }
    }
  }

  void note(const nlmsghdr& msg, Clock::time_point at) {
    const auto* route = static_cast<const rtmsg*>(mnl_nlmsg_get_payload(&msg));
    if (route->rtm_family != AF_INET || route->rtm_protocol != protocol_ ||
        route->rtm_table != RT_TABLE_MAIN) {
      return;
    }
    std::array<std::uint8_t, 4> destination{};
    mnl_attr_parse(&msg, sizeof(rtmsg), &RouteWatch::destination_of, &destination);
    std::array<char, INET_ADDRSTRLEN> text{};
    ::inet_ntop(AF_INET, destination.data(), text.data(), text.size());
    const std::string prefix =
        std::string(text.data()) + "/" + std::to_string(static_cast<int>(route->rtm_dst_len));
    std::lock_guard lock(mutex_);
    seen_[prefix] = Seen{msg.nlmsg_type == RTM_NEWROUTE, at};
  }

  static int destination_of(const nlattr* attr, void* data) {
    if (mnl_attr_get_type(attr) == RTA_DST && mnl_attr_get_payload_len(attr) == 4) {
      const auto* bytes = static_cast<const std::uint8_t*>(mnl_attr_get_payload(attr));
      auto& out = *static_cast<std::array<std::uint8_t, 4>*>(data);
      std::copy(bytes, bytes + 4, out.begin());
    }
    return MNL_CB_OK;
  }

  std::uint8_t protocol_;
  rtnetlink::Socket socket_;
  int wake_ = -1;
  std::atomic<bool> overflowed_{false};
  mutable std::mutex mutex_;
  std::map<std::string, Seen> seen_;
  std::thread thread_;  // last: it starts once the rest is made
};

}  // namespace mirari::bench
