// Invariant: each operation runs on the client's own io_context, on the calling thread, and
// returns only once that io_context has no handler left; stop() only posts a handler that
// closes the connections, so no Asio object is ever touched by two threads.
#include "etcd_client.hpp"

#include <atomic>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <optional>

namespace mirari::cluster {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using error_code = boost::system::error_code;

struct EtcdClient::Impl {
  std::vector<std::string> endpoints;
  std::chrono::milliseconds timeout;
  std::size_t current = 0;
  asio::io_context io;
  std::optional<beast::tcp_stream> unary;  // kept open between calls
  std::optional<beast::tcp_stream> watch;  // the stream under way
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

  [[noreturn]] void unavailable(std::optional<beast::tcp_stream>& stream, const std::string& what,
                                error_code ec) {
    const std::string member = endpoints[current];
    if (stream) {
      error_code ignored;
      stream->socket().close(ignored);
      stream.reset();
    }
    buffer.clear();
    current = (current + 1) % endpoints.size();
    throw EtcdUnavailable("etcd member " + member + ": " + what + ": " + ec.message());
  }

  void connect(std::optional<beast::tcp_stream>& stream) {
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
    stream.emplace(io);
    stream->expires_after(timeout);
    ec = run([&](auto handler) { stream->async_connect(addresses, handler); });
    if (ec) unavailable(stream, "connecting", ec);
  }

  http::request<http::string_body> request(std::string_view path, const std::string& body) {
    http::request<http::string_body> req{http::verb::post, std::string(path), 11};
    req.set(http::field::host, endpoints[current]);
    req.set(http::field::content_type, "application/json");
    req.keep_alive(true);
    req.body() = body;
    req.prepare_payload();
    return req;
  }
};

EtcdClient::EtcdClient(std::vector<std::string> endpoints, std::chrono::milliseconds timeout)
    : impl_(std::make_unique<Impl>()) {
  if (endpoints.empty()) throw std::invalid_argument("no etcd endpoint");
  impl_->endpoints = std::move(endpoints);
  impl_->timeout = timeout;
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
    if (c.unary) c.unary->socket().close(ignored);
    if (c.watch) c.watch->socket().close(ignored);
  });
}

std::string EtcdClient::call(std::string_view path, const std::string& body) {
  Impl& c = *impl_;
  if (!c.unary) c.connect(c.unary);
  auto req = c.request(path, body);
  c.unary->expires_after(c.timeout);
  error_code ec = c.run([&](auto handler) { http::async_write(*c.unary, req, handler); });
  if (ec) c.unavailable(c.unary, "sending", ec);
  http::response<http::string_body> res;
  ec = c.run([&](auto handler) { http::async_read(*c.unary, c.buffer, res, handler); });
  if (ec) c.unavailable(c.unary, "reading", ec);
  if (!res.keep_alive()) {
    error_code ignored;
    c.unary->socket().close(ignored);
    c.unary.reset();
    c.buffer.clear();
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
  c.connect(c.watch);
  beast::flat_buffer buffer;
  auto req = c.request(path, body);
  c.watch->expires_after(c.timeout);
  error_code ec = c.run([&](auto handler) { http::async_write(*c.watch, req, handler); });
  if (ec) c.unavailable(c.watch, "sending a watch", ec);
  http::response_parser<http::buffer_body> parser;
  parser.body_limit(boost::none);
  ec = c.run([&](auto handler) { http::async_read_header(*c.watch, buffer, parser, handler); });
  if (ec) c.unavailable(c.watch, "reading a watch's header", ec);
  if (parser.get().result() != http::status::ok) {
    c.unavailable(c.watch, "etcd answered " + std::to_string(parser.get().result_int()),
                  http::error::bad_status);
  }
  // A watch waits as long as nothing changes: no deadline from here on.
  c.watch->expires_never();
  std::string pending;
  char chunk[16384];
  for (;;) {
    parser.get().body().data = chunk;
    parser.get().body().size = sizeof chunk;
    ec = c.run([&](auto handler) { http::async_read_some(*c.watch, buffer, parser, handler); });
    if (ec == http::error::need_buffer) ec = {};
    if (ec) c.unavailable(c.watch, "watching", ec);
    pending.append(chunk, sizeof chunk - parser.get().body().size);
    std::size_t start = 0;
    for (std::size_t end; (end = pending.find('\n', start)) != std::string::npos; start = end + 1) {
      if (end == start) continue;
      if (!on_message(std::string_view(pending).substr(start, end - start))) {
        error_code ignored;
        c.watch->socket().close(ignored);
        c.watch.reset();
        return;
      }
    }
    pending.erase(0, start);
    if (parser.is_done())
      c.unavailable(c.watch, "the watch stream ended", http::error::end_of_stream);
  }
}

}  // namespace mirari::cluster
