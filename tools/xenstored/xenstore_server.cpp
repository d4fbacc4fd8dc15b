#include "xenstore_server.hpp"

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <atomic>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/post.hpp>
#include <future>
#include <map>
#include <memory>
#include <stdexcept>
#include <system_error>
#include <thread>

#include "connection.hpp"
#include "path.hpp"
#include "protocol_error.hpp"
#include "request_handler.hpp"

namespace mirari::xenstored {

namespace asio = boost::asio;
using Protocol = asio::local::stream_protocol;
using xenstored::Connection;
using xenstored::ConnectionId;

namespace {

[[noreturn]] void cannot_listen(int error, const std::filesystem::path& path) {
  throw std::system_error(error, std::system_category(),
                          "xenstored: cannot listen on " + path.string());
}

// Removes what a server that did not clean up left at path. A socket someone still accepts
// on is not stale.
void remove_stale_socket(asio::io_context& io, const std::filesystem::path& path) {
  struct stat status {};
  if (::lstat(path.c_str(), &status) != 0 || !S_ISSOCK(status.st_mode)) return;
  Protocol::socket probe(io);
  boost::system::error_code refused;
  probe.connect(Protocol::endpoint(path.native()), refused);
  if (!refused) cannot_listen(EADDRINUSE, path);
  std::error_code ignored;
  std::filesystem::remove(path, ignored);
}

}  // namespace

// Everything below runs on thread_ except construction, the posting in drop_connections() and
// the destructor, and the atomic counters' reads.
class XenstoreServer::Impl {
 public:
  explicit Impl(std::filesystem::path path) : path_(std::move(path)) {
    if (path_.native().size() >= sizeof(sockaddr_un::sun_path)) cannot_listen(ENAMETOOLONG, path_);
    remove_stale_socket(io_, path_);
    boost::system::error_code error;
    acceptor_.open(Protocol(), error);
    if (!error) acceptor_.bind(Protocol::endpoint(path_.native()), error);
    if (!error) acceptor_.listen(asio::socket_base::max_listen_connections, error);
    if (error) cannot_listen(error.value(), path_);
    accept();
    thread_ = std::thread([this] { io_.run(); });
  }

  ~Impl() {
    asio::post(io_, [this] {
      boost::system::error_code ignored;
      acceptor_.close(ignored);
      close_all(nullptr);
    });
    work_.reset();
    thread_.join();
    std::error_code ignored;
    std::filesystem::remove(path_, ignored);
  }

  const std::filesystem::path& path() const { return path_; }
  std::size_t connections() const { return connection_count_.load(); }
  std::uint64_t rejected() const { return rejected_.load(); }
  std::uint64_t requests() const { return requests_.load(); }

  void write(const std::vector<std::pair<std::string, std::string>>& nodes) {
    std::promise<void> done;
    asio::post(io_, [this, &nodes, &done] {
      for (auto& outgoing : handler_.write_nodes(nodes)) deliver(std::move(outgoing));
      done.set_value();
    });
    done.get_future().wait();
  }

  void drop_connections() {
    std::promise<void> done;
    asio::post(io_, [this, &done] {
      close_all(nullptr);
      done.set_value();
    });
    done.get_future().wait();
  }

 private:
  void accept() {
    acceptor_.async_accept([this](boost::system::error_code error, Protocol::socket socket) {
      if (error == asio::error::operation_aborted) return;
      if (!error) {
        const ConnectionId id = ++last_id_;
        auto connection = std::make_shared<Connection>(
            std::move(socket), id,
            Connection::Callbacks{
                [this](Connection& from, const xenstored::Header& header,
                       const std::string& payload) { serve(from, header, payload); },
                [this](Connection& gone, bool rejected) { forget(gone.id(), rejected); }});
        connections_.emplace(id, connection);
        connection_count_.store(connections_.size());
        connection->start();
      }
      accept();
    });
  }

  void serve(Connection& from, const xenstored::Header& header, const std::string& payload) {
    ++requests_;
    xenstored::Response response = handler_.handle(from.id(), header, payload);
    for (auto& outgoing : response.messages) deliver(std::move(outgoing));
    if (response.drop_other_connections) close_all(&from);
  }

  void deliver(xenstored::Outgoing outgoing) {
    if (const auto it = connections_.find(outgoing.to); it != connections_.end()) {
      it->second->send(std::move(outgoing.message));
    }
  }

  // Closes every connection but `except` (if not null).
  void close_all(const Connection* except) {
    for (auto it = connections_.begin(); it != connections_.end();) {
      if (it->second.get() == except) {
        ++it;
        continue;
      }
      it->second->close();
      handler_.disconnected(it->first);
      it = connections_.erase(it);
    }
    connection_count_.store(connections_.size());
  }

  void forget(ConnectionId id, bool rejected) {
    if (rejected) ++rejected_;
    handler_.disconnected(id);
    connections_.erase(id);
    connection_count_.store(connections_.size());
  }

  const std::filesystem::path path_;
  asio::io_context io_;
  asio::executor_work_guard<asio::io_context::executor_type> work_ = asio::make_work_guard(io_);
  Protocol::acceptor acceptor_{io_};
  xenstored::RequestHandler handler_;
  std::map<ConnectionId, std::shared_ptr<Connection>> connections_;
  ConnectionId last_id_ = 0;
  std::atomic<std::size_t> connection_count_{0};
  std::atomic<std::uint64_t> rejected_{0};
  std::atomic<std::uint64_t> requests_{0};
  std::thread thread_;
};

XenstoreServer::XenstoreServer(std::filesystem::path socket_path)
    : impl_(std::make_unique<Impl>(std::move(socket_path))) {}

XenstoreServer::~XenstoreServer() = default;

const std::filesystem::path& XenstoreServer::socket_path() const {
  return impl_->path();
}

void XenstoreServer::write(const std::vector<std::pair<std::string, std::string>>& nodes) {
  std::vector<std::pair<std::string, std::string>> canonical;
  canonical.reserve(nodes.size());
  for (const auto& [path, value] : nodes) {
    try {
      if (!path.starts_with('/')) throw xenstored::ProtocolError(EINVAL, "a relative path");
      canonical.emplace_back(xenstored::canonical_path(path), value);
    } catch (const xenstored::ProtocolError& e) {
      throw std::invalid_argument("xenstored: cannot write '" + path + "': " + e.what());
    }
  }
  impl_->write(canonical);
}

void XenstoreServer::drop_connections() {
  impl_->drop_connections();
}

std::uint64_t XenstoreServer::requests() const {
  return impl_->requests();
}

std::size_t XenstoreServer::connections() const {
  return impl_->connections();
}

std::uint64_t XenstoreServer::rejected_messages() const {
  return impl_->rejected();
}

}  // namespace mirari::xenstored
