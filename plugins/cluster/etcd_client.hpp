// A connection to an etcd cluster through its v3 JSON gateway, used by one thread at a time.
//
// Calls are blocking and bounded by the timeout; a stream (a watch) waits as long as etcd
// sends nothing. When the member in use cannot be reached, does not answer in time or drops
// the connection, the call throws EtcdUnavailable and the client moves to the next member of
// its list, so the caller's retry goes there. stop(), from any thread, ends the call or the
// stream under way and makes every later one throw EtcdStopped.
//
// With EtcdAccess::ca set, every member is spoken to over TLS and its certificate must be
// signed by one of those CAs and name the member's host (its IP address or DNS name). A
// failed handshake is an unavailable member too ("TLS handshake: certificate verify failed:
// unable to get local issuer certificate"). With EtcdAccess::user set, the client
// authenticates before its first call and sends the token with every call and watch; when
// etcd says the token is no longer valid (simple tokens expire unused), it authenticates
// again and sends the call once more. A refused authentication is an unavailable member
// ("authentication failed: invalid user ID or password"), so the caller keeps retrying.
//
// The HTTP and TLS code (Boost.Beast, OpenSSL) stays in etcd_client.cpp: this header is light
// to include.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <spdlog/fwd.h>

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

// How to reach members that ask for TLS and authentication: the contents of the files the
// configuration names (PEM text), read when it is checked. Empty: not used.
struct EtcdAccess {
  std::string ca;           // the CAs that verify the members; set: TLS to every member
  std::string certificate;  // this client's certificate (chain), for --client-cert-auth
  std::string key;          // its private key
  std::string user;         // set: authenticate as this user, with password
  std::string password;
};

// A part of an EtcdAccess that OpenSSL refuses, and its reason.
class EtcdTlsFileError : public std::invalid_argument {
 public:
  enum class Part : std::uint8_t { ca, certificate, key };
  EtcdTlsFileError(Part part, const std::string& reason)
      : std::invalid_argument(reason), part(part) {}
  Part part;
};

// Checks that access.ca holds certificates only (at least one), access.certificate a
// certificate and access.key its private key (those that are set). Throws EtcdTlsFileError.
// Any thread.
void check_tls_files(const EtcdAccess& access);

class EtcdClient {
 public:
  // endpoints: "host:port" or "[ipv6]:port" of each member, tried in this order (at least
  // one). access: as checked by check_tls_files (throws EtcdTlsFileError otherwise). log,
  // when given, is told (info) of each authentication.
  EtcdClient(std::vector<std::string> endpoints, std::chrono::milliseconds timeout,
             EtcdAccess access = {}, spdlog::logger* log = nullptr);
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
