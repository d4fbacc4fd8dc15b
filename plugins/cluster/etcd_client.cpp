// Invariant: each operation runs on the client's own io_context, on the calling thread, and
// returns only once that io_context has no handler left; stop() only posts a handler that
// closes the connections, so no Asio object is ever touched by two threads. With TLS on,
// every connection is verified against the CAs and the member's host before a request goes.
#include "etcd_client.hpp"

#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <spdlog/logger.h>
#include <algorithm>
#include <atomic>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <optional>

namespace mirari::cluster {

namespace asio = boost::asio;
namespace ssl = asio::ssl;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using error_code = boost::system::error_code;

namespace {

// The TLS settings of every connection: verify the member against access.ca, present the
// client certificate when there is one. Throws EtcdTlsFileError naming the part refused.
ssl::context tls_context(const EtcdAccess& access) {
  ssl::context context(ssl::context::tls_client);
  context.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                      ssl::context::no_sslv3 | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1);
  context.set_verify_mode(ssl::verify_peer);
  using Part = EtcdTlsFileError::Part;
  auto load = [](Part part, auto step) {
    error_code ec;
    step(ec);
    if (ec) throw EtcdTlsFileError(part, ec.message());
  };
  load(Part::ca,
       [&](error_code& ec) { context.add_certificate_authority(asio::buffer(access.ca), ec); });
  if (!access.certificate.empty()) {
    load(Part::certificate, [&](error_code& ec) {
      context.use_certificate_chain(asio::buffer(access.certificate), ec);
    });
    // OpenSSL refuses a key that is not the certificate's ("key values mismatch").
    load(Part::key, [&](error_code& ec) {
      context.use_private_key(asio::buffer(access.key), ssl::context::pem, ec);
    });
  }
  return context;
}

// etcd's refusals that mean "authenticate again": the token expired or was revoked, or the
// users and roles changed since it was issued.
bool token_refused(const std::string& refusal) {
  return refusal.find("invalid auth token") != std::string::npos ||
         refusal.find("revision of auth store is old") != std::string::npos;
}

// One connection to a member: TCP, with TLS over it when the client speaks TLS.
struct Connection {
  std::optional<beast::tcp_stream> plain;
  std::optional<ssl::stream<beast::tcp_stream>> secure;

  explicit operator bool() const { return plain || secure; }
  beast::tcp_stream& tcp() { return secure ? secure->next_layer() : *plain; }
  // f(the stream HTTP goes over).
  template <class F>
  auto with_stream(F f) {
    return secure ? f(*secure) : f(*plain);
  }
  void close() {
    if (!*this) return;
    error_code ignored;
    tcp().socket().close(ignored);
    plain.reset();
    secure.reset();
  }
};

}  // namespace

void check_tls_files(const EtcdAccess& access) {
  if (!access.ca.empty()) (void)tls_context(access);
}

struct EtcdClient::Impl {
  std::vector<std::string> endpoints;
  std::chrono::milliseconds timeout;
  std::size_t current = 0;
  asio::io_context io;
  std::optional<ssl::context> tls;  // set: every connection speaks TLS
  std::string user, password;       // user set: every request carries token
  std::string token;
  spdlog::logger* log = nullptr;
  Connection unary;  // kept open between calls
  Connection watch;  // the stream under way
  beast::flat_buffer buffer;
  std::atomic<bool> stopped{false};

  // Runs the operation start() begins to its end; its error, or EtcdStopped.
  template <class Start>
  error_code run(Start start) {
    if (stopped) throw EtcdStopped();
    error_code result;
    start([&result](error_code ec, auto&&...) { result = ec; });
    io.restart();
    io.run();
    if (stopped) throw EtcdStopped();
    return result;
  }

  [[noreturn]] void unavailable(Connection& stream, const std::string& what,
                                const std::string& reason) {
    const std::string member = endpoints[current];
    stream.close();
    buffer.clear();
    current = (current + 1) % endpoints.size();
    throw EtcdUnavailable("etcd member " + member + ": " + what + ": " + reason);
  }
  [[noreturn]] void unavailable(Connection& stream, const std::string& what, error_code ec) {
    unavailable(stream, what, ec.message());
  }

  void connect(Connection& stream) {
    const std::string& member = endpoints[current];
    // "host:port", "[ipv6]:port", "host" or "[ipv6]": the port follows the last colon outside
    // the brackets, and the resolver takes the address without them.
    const auto close = member.rfind(']');
    auto colon = member.rfind(':');
    if (close != std::string::npos && colon < close) colon = std::string::npos;
    std::string host = member.substr(0, colon);
    if (host.size() > 1 && host.front() == '[' && host.back() == ']') {
      host = host.substr(1, host.size() - 2);
    }
    tcp::resolver resolver(io);
    error_code ec;
    auto addresses =
        resolver.resolve(host, colon == std::string::npos ? "2379" : member.substr(colon + 1), ec);
    if (ec) unavailable(stream, "resolving", ec);
    if (tls) {
      stream.secure.emplace(io, *tls);
    } else {
      stream.plain.emplace(io);
    }
    stream.tcp().expires_after(timeout);
    ec = run([&](auto handler) { stream.tcp().async_connect(addresses, handler); });
    if (ec) unavailable(stream, "connecting", ec);
    if (tls) handshake(stream, addresses.begin()->host_name());
  }

  // The member's certificate must name host: its IP address, or its DNS name (also sent as
  // the server name, so a member serving several names picks the right certificate).
  void handshake(Connection& stream, const std::string& host) {
    SSL* native = stream.secure->native_handle();
    X509_VERIFY_PARAM* param = SSL_get0_param(native);
    error_code not_address;
    (void)asio::ip::make_address(host, not_address);
    if (!not_address) {
      X509_VERIFY_PARAM_set1_ip_asc(param, host.c_str());
    } else {
      X509_VERIFY_PARAM_set1_host(param, host.c_str(), host.size());
      SSL_set_tlsext_host_name(native, host.c_str());
    }
    const error_code ec = run(
        [&](auto handler) { stream.secure->async_handshake(ssl::stream_base::client, handler); });
    if (ec) {
      std::string reason = ec.message();
      if (const long verify = SSL_get_verify_result(native); verify != X509_V_OK) {
        reason += std::string(": ") + X509_verify_cert_error_string(verify);
      }
      unavailable(stream, "TLS handshake", reason);
    }
  }

  http::request<http::string_body> request(std::string_view path, const std::string& body) {
    http::request<http::string_body> req{http::verb::post, std::string(path), 11};
    req.set(http::field::host, endpoints[current]);
    req.set(http::field::content_type, "application/json");
    if (!token.empty()) req.set(http::field::authorization, token);
    req.keep_alive(true);
    req.body() = body;
    req.prepare_payload();
    return req;
  }

  // One request and its answer on the unary connection.
  http::response<http::string_body> exchange(std::string_view path, const std::string& body) {
    if (!unary) connect(unary);
    auto req = request(path, body);
    unary.tcp().expires_after(timeout);
    error_code ec = unary.with_stream(
        [&](auto& s) { return run([&](auto handler) { http::async_write(s, req, handler); }); });
    if (ec) unavailable(unary, "sending", ec);
    http::response<http::string_body> res;
    ec = unary.with_stream([&](auto& s) {
      return run([&](auto handler) { http::async_read(s, buffer, res, handler); });
    });
    if (ec) unavailable(unary, "reading", ec);
    if (!res.keep_alive()) {
      unary.close();
      buffer.clear();
    }
    return res;
  }

  // A new token. etcd's refusal (a wrong password, an unknown user, authentication not
  // enabled) is the member's failure: the caller retries as for an unreachable one.
  void authenticate() {
    token.clear();
    auto res = exchange("/v3/auth/authenticate", authenticate_request(user, password));
    if (res.result() != http::status::ok) {
      std::string reason = refusal_of(res.body());
      for (std::string_view prefix : {"etcdserver: ", "authentication failed, "}) {
        if (reason.starts_with(prefix)) reason.erase(0, prefix.size());
      }
      if (reason.empty()) {
        // Not etcd's JSON: a refusal of the gateway itself, in a line of text.
        reason = res.body().substr(0, std::min<std::size_t>(res.body().find('\n'), 200));
        if (reason.empty()) reason = "etcd answered " + std::to_string(res.result_int());
      }
      unavailable(unary, "authentication failed", reason + " (user '" + user + "')");
    }
    token = parse_authenticate(res.body());
    if (log != nullptr)
      log->info("authenticated as '{}' by etcd member {}", user, endpoints[current]);
  }
};

EtcdClient::EtcdClient(std::vector<std::string> endpoints, std::chrono::milliseconds timeout,
                       EtcdAccess access, spdlog::logger* log)
    : impl_(std::make_unique<Impl>()) {
  if (endpoints.empty()) throw std::invalid_argument("no etcd endpoint");
  impl_->endpoints = std::move(endpoints);
  impl_->timeout = timeout;
  if (!access.ca.empty()) impl_->tls.emplace(tls_context(access));
  impl_->user = std::move(access.user);
  impl_->password = std::move(access.password);
  impl_->log = log;
}

EtcdClient::~EtcdClient() = default;

const std::string& EtcdClient::endpoint() const {
  return impl_->endpoints[impl_->current];
}

void EtcdClient::stop() {
  Impl& c = *impl_;
  c.stopped = true;
  asio::post(c.io, [&c] {
    error_code ignored;
    if (c.unary) c.unary.tcp().socket().close(ignored);
    if (c.watch) c.watch.tcp().socket().close(ignored);
  });
}

std::string EtcdClient::call(std::string_view path, const std::string& body) {
  Impl& c = *impl_;
  if (!c.user.empty() && c.token.empty()) c.authenticate();
  auto res = c.exchange(path, body);
  if (res.result() != http::status::ok && !c.user.empty() &&
      token_refused(refusal_of(res.body()))) {
    if (c.log != nullptr) {
      c.log->info("etcd member {} no longer takes the token of '{}': authenticating again",
                  c.endpoints[c.current], c.user);
    }
    c.authenticate();
    res = c.exchange(path, body);
  }
  if (res.result() != http::status::ok) {
    // etcd's error answers are JSON with an "error" member; parse_revision quotes it.
    parse_revision(res.body());
    throw EtcdError("etcd answered " + std::to_string(res.result_int()) + ": " + res.body());
  }
  return std::move(res.body());
}

void EtcdClient::stream(std::string_view path, const std::string& body,
                        const std::function<bool(std::string_view)>& on_message) {
  Impl& c = *impl_;
  // etcd checks a watch's token only when the watch is created, and answers a stale one with
  // "permission denied", not "invalid auth token": a watch starts with a fresh token.
  if (!c.user.empty()) c.authenticate();
  c.connect(c.watch);
  beast::flat_buffer buffer;
  auto req = c.request(path, body);
  c.watch.tcp().expires_after(c.timeout);
  error_code ec = c.watch.with_stream(
      [&](auto& s) { return c.run([&](auto handler) { http::async_write(s, req, handler); }); });
  if (ec) c.unavailable(c.watch, "sending a watch", ec);
  http::response_parser<http::buffer_body> parser;
  parser.body_limit(boost::none);
  ec = c.watch.with_stream([&](auto& s) {
    return c.run([&](auto handler) { http::async_read_header(s, buffer, parser, handler); });
  });
  if (ec) c.unavailable(c.watch, "reading a watch's header", ec);
  if (parser.get().result() != http::status::ok) {
    c.unavailable(c.watch, "etcd answered " + std::to_string(parser.get().result_int()),
                  http::error::bad_status);
  }
  // A watch waits as long as nothing changes: no deadline from here on.
  c.watch.tcp().expires_never();
  std::string pending;
  char chunk[16384];
  for (;;) {
    parser.get().body().data = chunk;
    parser.get().body().size = sizeof chunk;
    ec = c.watch.with_stream([&](auto& s) {
      return c.run([&](auto handler) { http::async_read_some(s, buffer, parser, handler); });
    });
    if (ec == http::error::need_buffer) ec = {};
    if (ec) c.unavailable(c.watch, "watching", ec);
    // Only the bytes just read can end a message: those before were searched already, so a
    // message of many chunks (a watch catching up) is searched once, not once per chunk.
    std::size_t from = pending.size();
    pending.append(chunk, sizeof chunk - parser.get().body().size);
    std::size_t start = 0;
    for (std::size_t end; (end = pending.find('\n', from)) != std::string::npos;
         start = from = end + 1) {
      if (end == start) continue;
      if (!on_message(std::string_view(pending).substr(start, end - start))) {
        c.watch.close();
        return;
      }
    }
    pending.erase(0, start);
    if (parser.is_done())
      c.unavailable(c.watch, "the watch stream ended", http::error::end_of_stream);
  }
}

}  // namespace mirari::cluster
