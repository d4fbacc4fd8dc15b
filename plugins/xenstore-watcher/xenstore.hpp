// One connection to XenStore through libxenstore, owned: closed (and its reader thread
// joined) when this goes.
//
// libxenstore connects to the socket XENSTORED_PATH names (else the standard xenstored
// socket, else the xenbus device), so that variable chooses the store for mirarid as for
// every Xen tool. With its first watch libxenstore starts a reader thread; from then on
// watch_fd() turns readable when watch events wait, and next_watch() takes them without
// blocking. When the store goes away, that thread closes the connection without a sound:
// the next request fails (XenStoreError), and the caller is expected to open a new one.
#pragma once

#include <optional>
#include <string>
#include <system_error>
#include <vector>

struct xs_handle;

namespace mirari::xen {

class XenStoreError : public std::system_error {
 public:
  XenStoreError(int error, const std::string& what)
      : std::system_error(error, std::generic_category(), what) {}
};

class XenStore {
 public:
  // A transaction id; kNoTransaction outside any.
  using Transaction = unsigned;
  static constexpr Transaction kNoTransaction = 0;

  // Connects. Throws XenStoreError naming the socket when no store answers.
  static XenStore open();

  XenStore() = default;
  ~XenStore();
  XenStore(XenStore&& other) noexcept;
  XenStore& operator=(XenStore&& other) noexcept;
  XenStore(const XenStore&) = delete;
  XenStore& operator=(const XenStore&) = delete;

  explicit operator bool() const { return handle_ != nullptr; }
  void close();

  // The socket libxenstore connects to, for messages.
  static std::string socket_path();

  // The node's value; none when it does not exist. Throws XenStoreError for anything else.
  std::optional<std::string> read(Transaction t, const std::string& path);
  // The node's children's names; none when it does not exist.
  std::optional<std::vector<std::string>> directory(Transaction t, const std::string& path);
  void write(Transaction t, const std::string& path, const std::string& value);
  void remove(Transaction t, const std::string& path);

  Transaction begin();
  // Commits; false when the store refused because another connection changed what the
  // transaction read (EAGAIN): the caller retries.
  bool commit(Transaction t);
  void abort(Transaction t) noexcept;

  void watch(const std::string& path, const std::string& token);
  // Readable while watch events wait. Owned by libxenstore: never close it.
  int watch_fd();
  // The path of the next waiting watch event; none when none waits.
  std::optional<std::string> next_watch();

 private:
  explicit XenStore(xs_handle* handle) : handle_(handle) {}
  [[noreturn]] void fail(const std::string& what) const;

  xs_handle* handle_ = nullptr;
};

}  // namespace mirari::xen
