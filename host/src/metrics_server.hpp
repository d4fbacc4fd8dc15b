// The daemon's metrics over HTTP, for Prometheus to scrape (daemon.metrics_listen): HTTP/1.1
// parsed and written by Boost.Beast.
//
//   GET /metrics (a query string is ignored)   200, text/plain; version=0.0.4 (metrics.hpp)
//   any other path                              404
//   /metrics with another method than GET       405, Allow: GET (no body for HEAD)
//
// A request whose header is longer than kHeaderLimit, that carries a body, or that is not HTTP
// ends its connection without an answer; so does a client that takes longer than kTimeout to
// send a request or to read an answer. At most kMaxClients connections are served at once; a
// connection beyond them is closed as soon as it is accepted. Connections are kept alive as the
// client asks.
//
// Threads: connections are served on the control thread (`io`), so a slow or malicious client
// never holds the graph's thread; the exposition is rendered on the graph's strand, between
// ticks, then written from the control thread.
//
// Invariant: a session's state is touched on the control thread only; a rendering that comes
// back after its session closed is dropped.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "listen_address.hpp"

namespace spdlog {
class logger;
}

namespace mirari::host {

class MetricsServerError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class MetricsServer {
 public:
  static constexpr std::size_t kMaxClients = 256;
  static constexpr std::size_t kHeaderLimit = 8192;
  static constexpr std::chrono::seconds kTimeout{10};
  // The Prometheus text exposition; called on the graph's strand.
  using Render = std::function<std::string()>;

  // Binds address and listens; connections wait until start(). Throws MetricsServerError
  // naming the address (in use, not local, no permission).
  MetricsServer(boost::asio::any_io_executor io, boost::asio::any_io_executor graph,
                const ListenAddress& address, Render render, spdlog::logger& log);
  // Closes the listener and every connection. On the control thread, or once it has ended.
  ~MetricsServer();
  MetricsServer(const MetricsServer&) = delete;
  MetricsServer& operator=(const MetricsServer&) = delete;

  // The address bound (with the port the kernel chose for port 0).
  ListenAddress local_address() const;
  // Starts accepting. Control thread.
  void start();
  // Stops accepting and closes every connection. Control thread.
  void close();

 private:
  class Session;
  void accept();

  boost::asio::any_io_executor io_;
  boost::asio::any_io_executor graph_;
  Render render_;
  spdlog::logger& log_;
  boost::asio::ip::tcp::acceptor acceptor_;
  boost::asio::steady_timer retry_;  // after a failed accept (out of descriptors)
  std::vector<std::weak_ptr<Session>> sessions_;
};

}  // namespace mirari::host
