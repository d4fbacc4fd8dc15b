#include "metrics_server.hpp"

#include <spdlog/logger.h>

#include <boost/asio/post.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <optional>

namespace mirari::host {

namespace beast = boost::beast;
namespace http = beast::http;
using boost::asio::ip::tcp;

class MetricsServer::Session final : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, boost::asio::any_io_executor io, boost::asio::any_io_executor graph,
          const Render& render)
      : stream_(std::move(socket)), io_(std::move(io)), graph_(std::move(graph)), render_(render) {}

  void read() {
    parser_.emplace();
    parser_->header_limit(kHeaderLimit);
    parser_->body_limit(0);
    stream_.expires_after(kTimeout);
    http::async_read(stream_, buffer_, *parser_,
                     [self = shared_from_this()](const beast::error_code& ec, std::size_t) {
                       if (ec) {
                         self->close();
                       } else {
                         self->answer(self->parser_->release());
                       }
                     });
  }

  void close() {
    if (closed_) return;
    closed_ = true;
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
    stream_.close();
  }

 private:
  void answer(const http::request<http::empty_body>& request) {
    const std::string_view target(request.target().data(), request.target().size());
    const std::string_view path = target.substr(0, target.find('?'));
    const bool keep_alive = request.keep_alive();
    if (path != "/metrics") {
      respond(http::status::not_found, "text/plain; charset=utf-8", "not found: try /metrics\n",
              keep_alive);
    } else if (request.method() != http::verb::get) {
      respond(
          http::status::method_not_allowed, "text/plain; charset=utf-8",
          request.method() == http::verb::head ? "" : "method not allowed: /metrics answers GET\n",
          keep_alive);
    } else {
      boost::asio::post(graph_, [self = shared_from_this(), keep_alive] {
        std::string text = self->render_();
        boost::asio::post(self->io_, [self, keep_alive, text = std::move(text)]() mutable {
          if (!self->closed_) {
            self->respond(http::status::ok, "text/plain; version=0.0.4; charset=utf-8",
                          std::move(text), keep_alive);
          }
        });
      });
    }
  }

  void respond(http::status status, const char* type, std::string body, bool keep_alive) {
    response_.emplace(status, 11, std::move(body));
    response_->set(http::field::server, "mirarid/" MIRARI_VERSION);
    response_->set(http::field::content_type, type);
    if (status == http::status::method_not_allowed) response_->set(http::field::allow, "GET");
    response_->keep_alive(keep_alive);
    response_->prepare_payload();
    stream_.expires_after(kTimeout);
    http::async_write(
        stream_, *response_,
        [self = shared_from_this(), keep_alive](const beast::error_code& ec, std::size_t) {
          if (ec || !keep_alive || self->closed_) {
            self->close();
          } else {
            self->read();
          }
        });
  }

  beast::tcp_stream stream_;
  boost::asio::any_io_executor io_;
  boost::asio::any_io_executor graph_;
  Render render_;
  beast::flat_buffer buffer_{kHeaderLimit};
  std::optional<http::request_parser<http::empty_body>> parser_;
  std::optional<http::response<http::string_body>> response_;
  bool closed_ = false;
};

MetricsServer::MetricsServer(boost::asio::any_io_executor io, boost::asio::any_io_executor graph,
                             const ListenAddress& address, Render render, spdlog::logger& log)
    : io_(std::move(io)),
      graph_(std::move(graph)),
      render_(std::move(render)),
      log_(log),
      acceptor_(io_),
      retry_(io_) {
  const tcp::endpoint endpoint(boost::asio::ip::make_address(address.ip), address.port);
  boost::system::error_code ec;
  acceptor_.open(endpoint.protocol(), ec);
  if (!ec) acceptor_.set_option(tcp::acceptor::reuse_address(true), ec);
  if (!ec) acceptor_.bind(endpoint, ec);
  if (!ec) acceptor_.listen(boost::asio::socket_base::max_listen_connections, ec);
  if (ec) {
    throw MetricsServerError("metrics_listen: cannot listen on " + to_string(address) + ": " +
                             ec.message());
  }
}

MetricsServer::~MetricsServer() {
  close();
}

ListenAddress MetricsServer::local_address() const {
  const tcp::endpoint endpoint = acceptor_.local_endpoint();
  return {endpoint.address().to_string(), endpoint.port()};
}

void MetricsServer::start() {
  accept();
}

void MetricsServer::accept() {
  acceptor_.async_accept([this](const boost::system::error_code& ec, tcp::socket socket) {
    if (ec == boost::asio::error::operation_aborted || !acceptor_.is_open()) return;
    if (ec) {
      log_.warn("metrics: accept failed: {}", ec.message());
      retry_.expires_after(std::chrono::milliseconds(100));
      retry_.async_wait([this](const boost::system::error_code& wait) {
        if (!wait && acceptor_.is_open()) accept();
      });
      return;
    }
    std::erase_if(sessions_, [](const auto& weak) { return weak.expired(); });
    if (sessions_.size() >= kMaxClients) {
      log_.debug("metrics: {} connections already; closing a new one", sessions_.size());
      boost::system::error_code ignored;
      socket.close(ignored);
    } else {
      auto session = std::make_shared<Session>(std::move(socket), io_, graph_, render_);
      sessions_.push_back(session);
      session->read();
    }
    accept();
  });
}

void MetricsServer::close() {
  boost::system::error_code ignored;
  acceptor_.close(ignored);
  retry_.cancel();
  for (const auto& weak : sessions_) {
    if (auto session = weak.lock()) session->close();
  }
  sessions_.clear();
}

}  // namespace mirari::host
