#include "xs_fixture.hpp"

#include <poll.h>
#include <stdlib.h>

#include <cerrno>
#include <cstdlib>
#include <system_error>
#include <thread>

namespace mirari::testing::xs {

namespace {

[[noreturn]] void fail(const std::string& call) {
  throw std::system_error(errno, std::generic_category(), call);
}

// Frees what libxenstore returned with malloc.
struct Free {
  void operator()(void* memory) const noexcept { std::free(memory); }
};

}  // namespace

XenstoreFixture::XenstoreFixture() : server_(std::in_place, dir_.path() / "xenstored.sock") {
  ::setenv("XENSTORED_PATH", server_->socket_path().c_str(), 1);
}

void XenstoreFixture::restart() {
  const std::filesystem::path path = server_->socket_path();
  server_.reset();
  server_.emplace(path);
}

XenstoreFixture::~XenstoreFixture() {
  ::unsetenv("XENSTORED_PATH");
}

Handle open() {
  Handle handle(xs_open(0));
  if (!handle) fail("xs_open");
  return handle;
}

std::string read(xs_handle* xs, const std::string& path, xs_transaction_t tx) {
  unsigned int length = 0;
  std::unique_ptr<char, Free> value(static_cast<char*>(xs_read(xs, tx, path.c_str(), &length)));
  if (!value) fail("xs_read " + path);
  return std::string(value.get(), length);
}

void write(xs_handle* xs, const std::string& path, const std::string& value, xs_transaction_t tx) {
  if (!xs_write(xs, tx, path.c_str(), value.data(), static_cast<unsigned int>(value.size()))) {
    fail("xs_write " + path);
  }
}

std::vector<std::string> directory(xs_handle* xs, const std::string& path, xs_transaction_t tx) {
  unsigned int count = 0;
  std::unique_ptr<char*, Free> names(xs_directory(xs, tx, path.c_str(), &count));
  if (!names) fail("xs_directory " + path);
  return std::vector<std::string>(names.get(), names.get() + count);
}

void watch(xs_handle* xs, const std::string& path, const std::string& token) {
  if (!xs_watch(xs, path.c_str(), token.c_str())) fail("xs_watch " + path);
}

int read_error(xs_handle* xs, const std::string& path, xs_transaction_t tx) {
  unsigned int length = 0;
  std::unique_ptr<void, Free> value(xs_read(xs, tx, path.c_str(), &length));
  return value ? 0 : errno;
}

int directory_error(xs_handle* xs, const std::string& path, xs_transaction_t tx) {
  unsigned int count = 0;
  std::unique_ptr<char*, Free> names(xs_directory(xs, tx, path.c_str(), &count));
  return names ? 0 : errno;
}

std::optional<Event> next_event(xs_handle* xs, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  const int fd = xs_fileno(xs);
  for (;;) {
    std::unique_ptr<char*, Free> event(xs_check_watch(xs));
    if (event) return Event{event.get()[XS_WATCH_PATH], event.get()[XS_WATCH_TOKEN]};
    if (errno != EAGAIN) fail("xs_check_watch");
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return std::nullopt;
    pollfd readable{fd, POLLIN, 0};
    if (::poll(&readable, 1, static_cast<int>(left.count())) < 0 && errno != EINTR) fail("poll");
  }
}

bool connection_lost(xs_handle* xs) {
  std::unique_ptr<char*, Free> event(xs_check_watch(xs));
  return !event && errno != EAGAIN;
}

std::ostream& operator<<(std::ostream& out, const Event& event) {
  return out << "event " << event.path << " token " << event.token;
}

std::ostream& operator<<(std::ostream& out, const std::optional<Event>& event) {
  return event ? out << *event : out << "no event";
}

Event read_watch(xs_handle* xs) {
  unsigned int count = 0;
  std::unique_ptr<char*, Free> event(xs_read_watch(xs, &count));
  if (!event) fail("xs_read_watch");
  return Event{event.get()[XS_WATCH_PATH], event.get()[XS_WATCH_TOKEN]};
}

}  // namespace mirari::testing::xs
