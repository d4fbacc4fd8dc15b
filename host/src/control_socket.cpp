#include "control_socket.hpp"

#include <spdlog/logger.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <boost/asio/post.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/write.hpp>
#include <istream>
#include <nlohmann/json.hpp>

#include "bounded_json.hpp"
#include "control_commands.hpp"

namespace mirari::host {

namespace fs = std::filesystem;
using boost::asio::local::stream_protocol;
using nlohmann::json;

namespace {

std::string line_of(const json& response) {
  // Invalid UTF-8 (echoed garbage) is replaced rather than refused.
  return response.dump(-1, ' ', false, json::error_handler_t::replace) + "\n";
}

// Removes a socket file no daemon listens on any more; refuses to touch anything else.
void clear_stale(const fs::path& path, const boost::asio::any_io_executor& executor) {
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0) return;
  if (!S_ISSOCK(st.st_mode)) {
    throw ControlSocketError("control socket " + path.string() +
                             " exists and is not a socket; remove it or choose another path");
  }
  stream_protocol::socket probe(executor);
  boost::system::error_code ec;
  probe.connect(stream_protocol::endpoint(path.string()), ec);
  if (!ec) {
    throw ControlSocketError("another mirarid is listening on " + path.string());
  }
  fs::remove(path);
}

}  // namespace

// What the unsent responses of every client hold together.
struct ControlSocket::Output {
  OutputLimits limits;
  std::size_t held = 0;
};

class ControlSocket::Session final : public ControlPeer,
                                     public std::enable_shared_from_this<Session> {
 public:
  Session(stream_protocol::socket socket, boost::asio::any_io_executor graph,
          ControlCommands& commands, spdlog::logger& log, std::uint64_t number,
          std::shared_ptr<Output> output, ControlSocket& owner)
      : socket_(std::move(socket)),
        graph_(std::move(graph)),
        commands_(commands),
        log_(log),
        number_(number),
        in_(kMaxLine),
        output_(std::move(output)),
        owner_(owner) {}

  void start() {
    ucred peer{};
    socklen_t size = sizeof peer;
    if (::getsockopt(socket_.native_handle(), SOL_SOCKET, SO_PEERCRED, &peer, &size) != 0 ||
        (peer.uid != 0 && peer.uid != ::geteuid())) {
      log_.warn("control client {} refused: uid {} is neither root nor mirarid's uid {}", number_,
                peer.uid, ::geteuid());
      close_after_write_ = true;
      queue(line_of(ControlCommands::error(
          nullptr,
          "permission denied: uid " + std::to_string(peer.uid) + " may not control this mirarid")));
      return;
    }
    read();
  }

  // Any thread: the line is made here and queued on the control thread.
  void send(const json& response) override {
    boost::asio::post(socket_.get_executor(),
                      [self = shared_from_this(), line = line_of(response)]() mutable {
                        self->queue(std::move(line));
                      });
  }

  // Any thread (the graph's, in practice).
  void on_disconnect(std::function<void()> cleanup) override {
    boost::asio::post(socket_.get_executor(),
                      [self = shared_from_this(), cleanup = std::move(cleanup)]() mutable {
                        self->cleanups_.push_back(std::move(cleanup));
                        if (self->closed_) self->run_cleanups();
                      });
  }

  std::uint64_t number() const noexcept override { return number_; }

  // The memory its unsent responses hold. Control thread.
  std::size_t held() const noexcept { return held_; }

  void close() {
    if (closed_) return;
    closed_ = true;
    boost::system::error_code ignored;
    socket_.shutdown(stream_protocol::socket::shutdown_both, ignored);
    socket_.close(ignored);
    // What a write in flight refers to is released when it completes.
    std::string().swap(pending_);
    account();
    run_cleanups();
  }

 private:
  void read() {
    boost::asio::async_read_until(
        socket_, in_, '\n',
        [self = shared_from_this()](const boost::system::error_code& ec, std::size_t size) {
          self->on_read(ec, size);
        });
  }

  void on_read(const boost::system::error_code& ec, std::size_t size) {
    if (closed_) return;
    if (ec == boost::asio::error::not_found) {
      close_after_write_ = true;
      queue(line_of(ControlCommands::error(
          nullptr, "request line longer than " + std::to_string(kMaxLine) + " bytes")));
      return;
    }
    if (ec) {
      close();
      return;
    }
    std::string line(boost::asio::buffers_begin(in_.data()),
                     boost::asio::buffers_begin(in_.data()) + static_cast<std::ptrdiff_t>(size));
    in_.consume(size);
    while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.pop_back();
    if (!line.empty() && !handle(line)) return;  // read again once the command has run
    if (!closed_) read();
  }

  // True when the request was answered here; false when it went to the graph's strand, which
  // has the session read again after the command ran.
  bool handle(const std::string& line) {
    json request;
    try {
      request = parse_bounded_json(line);
    } catch (const BadJson& e) {
      queue(
          line_of(ControlCommands::error(nullptr, std::string("malformed request, ") + e.what())));
      return true;
    }
    if (commands_.answer_here(request, *this)) return true;
    boost::asio::post(graph_, [self = shared_from_this(), request = std::move(request)] {
      self->commands_.run(request, self);
      boost::asio::post(self->socket_.get_executor(), [self] {
        if (!self->closed_) self->read();
      });
    });
    return false;
  }

  void queue(std::string line) {
    if (closed_) return;
    pending_ += line;
    account();
    if (held_ > output_->limits.per_client) {
      log_.warn(
          "control client {} disconnected: it does not read its responses (they hold {} bytes, "
          "more than the {} one client may hold)",
          number_, held_, output_->limits.per_client);
      close();
      return;
    }
    if (output_->held > output_->limits.all_clients) owner_.shed();
    if (!closed_ && !writing_now_) write();
  }

  // Sends everything pending as one write; what is sent meanwhile waits for the next.
  void write() {
    writing_.swap(pending_);
    writing_now_ = true;
    boost::asio::async_write(
        socket_, boost::asio::buffer(writing_),
        [self = shared_from_this()](const boost::system::error_code& ec, std::size_t) {
          self->writing_now_ = false;
          self->writing_.clear();
          // A large buffer is given back; a small one is kept for the next responses.
          if (self->writing_.capacity() > kKeptBuffer) std::string().swap(self->writing_);
          self->account();
          if (self->closed_) return;
          if (ec) {
            self->close();
            return;
          }
          if (!self->pending_.empty()) {
            self->write();
          } else if (self->close_after_write_) {
            self->linger();
          }
        });
  }

  // Counts the capacity of both buffers: what the queue really holds, not just its text.
  void account() {
    const std::size_t held = pending_.capacity() + writing_.capacity();
    output_->held = output_->held - held_ + held;
    held_ = held;
  }

  // Closing with unread input would reset the connection and could destroy the last
  // response in flight: instead, stop sending and discard input until the client hangs up.
  void linger() {
    boost::system::error_code ignored;
    socket_.shutdown(stream_protocol::socket::shutdown_send, ignored);
    in_.consume(in_.size());
    socket_.async_read_some(
        in_.prepare(4096),
        [self = shared_from_this()](const boost::system::error_code& ec, std::size_t) {
          if (self->closed_) return;
          self->in_.consume(self->in_.size());
          if (ec) {
            self->close();
          } else {
            self->linger();
          }
        });
  }

  // On the graph's strand, in a handler of their own.
  void run_cleanups() {
    auto cleanups = std::exchange(cleanups_, {});
    if (cleanups.empty()) return;
    boost::asio::post(graph_, [cleanups = std::move(cleanups)] {
      for (const auto& cleanup : cleanups) cleanup();
    });
  }

  stream_protocol::socket socket_;
  boost::asio::any_io_executor graph_;
  ControlCommands& commands_;
  spdlog::logger& log_;
  std::uint64_t number_;
  boost::asio::streambuf in_;
  std::shared_ptr<Output> output_;
  ControlSocket& owner_;  // used only while open: closing the socket closes every session
  std::string pending_;   // responses not yet handed to a write
  std::string writing_;   // the responses of the write in flight
  bool writing_now_ = false;
  std::size_t held_ = 0;
  bool closed_ = false;
  bool close_after_write_ = false;
  std::vector<std::function<void()>> cleanups_;
};

ControlSocket::ControlSocket(boost::asio::any_io_executor io, boost::asio::any_io_executor graph,
                             fs::path path, ControlCommands& commands, spdlog::logger& log,
                             OutputLimits limits)
    : io_(std::move(io)),
      graph_(std::move(graph)),
      path_(std::move(path)),
      commands_(commands),
      log_(log),
      acceptor_(io_),
      retry_(io_),
      output_(std::make_shared<Output>(Output{limits, 0})) {
  std::error_code fs_error;
  fs::create_directories(path_.parent_path(), fs_error);
  clear_stale(path_, io_);
  boost::system::error_code ec;
  acceptor_.open(stream_protocol(), ec);
  if (!ec) {
    // Created 0600: no other user may connect, even for the moment before a chmod.
    const mode_t previous = ::umask(0177);
    acceptor_.bind(stream_protocol::endpoint(path_.string()), ec);
    ::umask(previous);
  }
  if (!ec) acceptor_.listen(boost::asio::socket_base::max_listen_connections, ec);
  if (ec) {
    throw ControlSocketError("cannot listen on control socket " + path_.string() + ": " +
                             ec.message());
  }
  ::chmod(path_.c_str(), 0600);
}

void ControlSocket::start() {
  if (acceptor_.is_open()) accept();
}

ControlSocket::~ControlSocket() {
  close();
  std::error_code ignored;
  fs::remove(path_, ignored);
}

void ControlSocket::accept() {
  acceptor_.async_accept([this](const boost::system::error_code& ec, stream_protocol::socket s) {
    if (ec == boost::asio::error::operation_aborted || !acceptor_.is_open()) return;
    if (!ec) {
      auto session = std::make_shared<Session>(std::move(s), graph_, commands_, log_,
                                               ++next_number_, output_, *this);
      std::erase_if(sessions_, [](const auto& weak) { return weak.expired(); });
      sessions_.push_back(session);
      session->start();
      accept();
      return;
    }
    log_.warn("control socket: accept failed: {}", ec.message());
    retry_.expires_after(std::chrono::milliseconds(100));
    retry_.async_wait([this](const boost::system::error_code& wait) {
      if (!wait && acceptor_.is_open()) accept();
    });
  });
}

void ControlSocket::shed() {
  std::shared_ptr<Session> largest;
  for (const auto& weak : sessions_) {
    auto session = weak.lock();
    if (session && (!largest || session->held() > largest->held())) largest = session;
  }
  if (!largest) return;
  log_.warn(
      "control client {} disconnected: the unsent responses of all clients hold {} bytes, more "
      "than {}; it held the most ({} bytes)",
      largest->number(), output_->held, output_->limits.all_clients, largest->held());
  largest->close();
}

void ControlSocket::close() {
  boost::system::error_code ignored;
  acceptor_.close(ignored);
  retry_.cancel();
  for (const auto& weak : sessions_) {
    if (auto session = weak.lock()) session->close();
  }
  sessions_.clear();
}

}  // namespace mirari::host
