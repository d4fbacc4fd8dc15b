#include "xenstore.hpp"

// xenstore.h declares C functions without saying so.
extern "C" {
#include <xenstore.h>
}

#include <cerrno>
#include <cstdlib>
#include <memory>
#include <utility>

namespace mirari::xen {

namespace {

struct FreeDeleter {
  void operator()(void* p) const noexcept { std::free(p); }
};
template <class T>
using Malloced = std::unique_ptr<T, FreeDeleter>;

}  // namespace

XenStore XenStore::open() {
  xs_handle* handle = xs_open(0);
  if (handle == nullptr) {
    throw XenStoreError(errno, "cannot connect to XenStore at '" + socket_path() + "'");
  }
  return XenStore(handle);
}

XenStore::~XenStore() {
  close();
}

XenStore::XenStore(XenStore&& other) noexcept : handle_(std::exchange(other.handle_, nullptr)) {}

XenStore& XenStore::operator=(XenStore&& other) noexcept {
  if (this != &other) {
    close();
    handle_ = std::exchange(other.handle_, nullptr);
  }
  return *this;
}

void XenStore::close() {
  if (handle_ != nullptr) xs_close(std::exchange(handle_, nullptr));
}

std::string XenStore::socket_path() {
  const char* path = xs_daemon_socket();
  return path != nullptr ? path : "(none)";
}

void XenStore::fail(const std::string& what) const {
  throw XenStoreError(errno != 0 ? errno : EIO, "XenStore " + what);
}

std::optional<std::string> XenStore::read(Transaction t, const std::string& path) {
  unsigned length = 0;
  errno = 0;
  Malloced<char> value(static_cast<char*>(xs_read(handle_, t, path.c_str(), &length)));
  if (!value) {
    if (errno == ENOENT) return std::nullopt;
    fail("read of '" + path + "'");
  }
  return std::string(value.get(), length);
}

std::optional<std::vector<std::string>> XenStore::directory(Transaction t,
                                                            const std::string& path) {
  unsigned count = 0;
  errno = 0;
  Malloced<char*> names(xs_directory(handle_, t, path.c_str(), &count));
  if (!names) {
    if (errno == ENOENT) return std::nullopt;
    // An empty directory comes back as a null list with no error.
    if (errno == 0) return std::vector<std::string>();
    fail("directory of '" + path + "'");
  }
  return std::vector<std::string>(names.get(), names.get() + count);
}

void XenStore::write(Transaction t, const std::string& path, const std::string& value) {
  errno = 0;
  if (!xs_write(handle_, t, path.c_str(), value.data(), static_cast<unsigned>(value.size()))) {
    fail("write of '" + path + "'");
  }
}

void XenStore::remove(Transaction t, const std::string& path) {
  errno = 0;
  if (!xs_rm(handle_, t, path.c_str())) fail("removal of '" + path + "'");
}

XenStore::Transaction XenStore::begin() {
  errno = 0;
  const xs_transaction_t t = xs_transaction_start(handle_);
  if (t == XBT_NULL) fail("transaction start");
  return t;
}

bool XenStore::commit(Transaction t) {
  errno = 0;
  if (xs_transaction_end(handle_, t, false)) return true;
  if (errno == EAGAIN) return false;
  fail("transaction commit");
}

void XenStore::abort(Transaction t) noexcept {
  xs_transaction_end(handle_, t, true);
}

void XenStore::watch(const std::string& path, const std::string& token) {
  errno = 0;
  if (!xs_watch(handle_, path.c_str(), token.c_str())) fail("watch of '" + path + "'");
}

int XenStore::watch_fd() {
  const int fd = xs_fileno(handle_);
  if (fd < 0) fail("watch descriptor");
  return fd;
}

std::optional<std::string> XenStore::next_watch() {
  errno = 0;
  Malloced<char*> event(xs_check_watch(handle_));
  if (!event) {
    if (errno == EAGAIN) return std::nullopt;
    // The reader thread found the connection closed.
    fail("watch events (connection closed)");
  }
  return std::string(event.get()[XS_WATCH_PATH]);
}

}  // namespace mirari::xen
