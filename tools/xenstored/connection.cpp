#include "connection.hpp"

#include <boost/asio/buffer.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <utility>

namespace mirari::xenstored {

namespace asio = boost::asio;
using boost::system::error_code;

Connection::Connection(Socket socket, ConnectionId id, Callbacks callbacks)
    : socket_(std::move(socket)), id_(id), callbacks_(std::move(callbacks)) {}

void Connection::start() {
  read_header();
}

void Connection::send(std::string message) {
  if (closed_) return;
  outgoing_.push_back(std::move(message));
  if (outgoing_.size() == 1) write_next();
}

void Connection::close() {
  if (closed_) return;
  closed_ = true;
  outgoing_.clear();
  error_code ignored;
  socket_.shutdown(Socket::shutdown_both, ignored);
  socket_.close(ignored);
}

void Connection::read_header() {
  asio::async_read(socket_, asio::buffer(header_bytes_),
                   [self = shared_from_this()](error_code error, std::size_t read) {
                     if (self->closed_) return;
                     // A peer that goes between messages just hangs up.
                     if (error) return self->end(read > 0);
                     self->header_ = decode_header(self->header_bytes_);
                     if (self->header_.len > kPayloadMax) return self->end(true);
                     self->read_payload();
                   });
}

void Connection::read_payload() {
  payload_.assign(header_.len, '\0');
  asio::async_read(socket_, asio::buffer(payload_),
                   [self = shared_from_this()](error_code error, std::size_t) {
                     if (self->closed_) return;
                     if (error) return self->end(true);
                     self->callbacks_.message(*self, self->header_, self->payload_);
                     if (!self->closed_) self->read_header();
                   });
}

void Connection::write_next() {
  asio::async_write(socket_, asio::buffer(outgoing_.front()),
                    [self = shared_from_this()](error_code error, std::size_t) {
                      if (self->closed_) return;
                      if (error) return self->end(false);
                      self->outgoing_.pop_front();
                      if (!self->outgoing_.empty()) self->write_next();
                    });
}

void Connection::end(bool rejected) {
  close();
  callbacks_.closed(*this, rejected);
}

}  // namespace mirari::xenstored
