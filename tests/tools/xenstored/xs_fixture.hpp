// A XenstoreServer of a test's own, and short ways to drive it through the real libxenstore.
//
//   XenstoreFixture fixture;          // server in a fresh temporary directory, XENSTORED_PATH
//   Handle xs = open();               // set to its socket, so that xs_open(0) reaches it
//   write(xs.get(), "/vm/name", "web");
//   CHECK(read(xs.get(), "/vm/name") == "web");
//
// The directory, with the socket in it, goes when the fixture does, also when the test fails.
#pragma once

// libxenstore's header declares C functions without saying so to C++.
extern "C" {
#include <xenstore.h>
}

#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "eventually.hpp"
#include "temp_dir.hpp"
#include "xenstore_server.hpp"

namespace mirari::testing {
using xenstored::XenstoreServer;
}

namespace mirari::testing::xs {

// How long a test waits for something that should happen.
inline constexpr std::chrono::seconds kDeadline{10};
// How long a test waits to be fairly sure that something does not happen.
inline constexpr std::chrono::milliseconds kQuiet{300};

using testing::eventually;
using testing::TempDir;

class XenstoreFixture {
 public:
  XenstoreFixture();
  ~XenstoreFixture();
  XenstoreFixture(const XenstoreFixture&) = delete;
  XenstoreFixture& operator=(const XenstoreFixture&) = delete;

  XenstoreServer& server() noexcept { return *server_; }
  // Stops the server and starts a new one, empty, on the same socket: a xenstored that died
  // and was started again without its store.
  void restart();

 private:
  TempDir dir_;
  std::optional<XenstoreServer> server_;
};

struct HandleCloser {
  void operator()(xs_handle* handle) const noexcept { xs_close(handle); }
};
using Handle = std::unique_ptr<xs_handle, HandleCloser>;

// xs_open(0); throws std::system_error when it fails.
Handle open();

// The libxenstore calls, throwing std::system_error (with the call's errno) on failure.
std::string read(xs_handle* xs, const std::string& path, xs_transaction_t tx = XBT_NULL);
void write(xs_handle* xs, const std::string& path, const std::string& value,
           xs_transaction_t tx = XBT_NULL);
std::vector<std::string> directory(xs_handle* xs, const std::string& path,
                                   xs_transaction_t tx = XBT_NULL);
void watch(xs_handle* xs, const std::string& path, const std::string& token);

// The errno a failing call left; 0 when the call succeeded.
int read_error(xs_handle* xs, const std::string& path, xs_transaction_t tx = XBT_NULL);
int directory_error(xs_handle* xs, const std::string& path, xs_transaction_t tx = XBT_NULL);

struct Event {
  std::string path;
  std::string token;
  bool operator==(const Event&) const = default;
};
// For test failure messages.
std::ostream& operator<<(std::ostream& out, const Event& event);
std::ostream& operator<<(std::ostream& out, const std::optional<Event>& event);

// The next watch event, waited for as an event loop does it: poll() on xs_fileno(), then
// xs_check_watch(). nullopt when none comes within timeout.
std::optional<Event> next_event(xs_handle* xs, std::chrono::milliseconds timeout = kDeadline);
// The next watch event from the blocking xs_read_watch().
Event read_watch(xs_handle* xs);

// True once libxenstore's reader thread (started by the first xs_watch) has seen the server
// close the connection and closed the socket: xs_check_watch() then fails with an errno other
// than EAGAIN. Until then a request on that handle would race the thread's close.
bool connection_lost(xs_handle* xs);

}  // namespace mirari::testing::xs
