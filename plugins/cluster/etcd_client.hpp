// A connection to an etcd cluster through its v3 JSON gateway, used by one thread at a time.
//
// Calls are blocking and bounded by the timeout; a stream (a watch) waits as long as etcd
// sends nothing. When the member in use cannot be reached, does not answer in time or drops
// the connection, the call throws EtcdUnavailable and the client moves to the next member of
// its list, so the caller's retry goes there. stop(), from any thread, ends the call or the
// stream under way and makes every later one throw EtcdStopped.
//
// The HTTP code (Boost.Beast) stays in etcd_client.cpp: this header is light to include.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "etcd_messages.hpp"

namespace mirari::cluster {

class EtcdUnavailable : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class EtcdStopped : public std::runtime_error {
 public:
  EtcdStopped() : std::runtime_error("the etcd client was stopped") {}
};

class EtcdClient {
 public:
  // endpoints: "host:port" or "[ipv6]:port" of each member, tried in this order (at least
  // one).
  EtcdClient(std::vector<std::string> endpoints, std::chrono::milliseconds timeout);
  ~EtcdClient();
  EtcdClient(const EtcdClient&) = delete;
  EtcdClient& operator=(const EtcdClient&) = delete;

  // POSTs body to path (such as "/v3/kv/put") and returns the answer's body. Throws
  // EtcdUnavailable (and moves on to the next member) as the header says, EtcdError when etcd
  // answers with an HTTP error, EtcdStopped after stop().
  std::string call(std::string_view path, const std::string& body);

  // POSTs body to path on a connection of its own and calls on_message with each
  // newline-separated message of the streamed answer, until on_message returns false (then it
  // returns). Throws as call() does, also when etcd ends the stream.
  void stream(std::string_view path, const std::string& body,
              const std::function<bool(std::string_view message)>& on_message);

  // Any thread.
  void stop();
  // The member the next call goes to.
  const std::string& endpoint() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace mirari::cluster
