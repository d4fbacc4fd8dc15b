// Watches plugin directories with inotify, read through an Asio stream descriptor on the
// strand (no thread of its own), and reports plugin files (*.so) that appear, are replaced or
// disappear.
//
// Only complete files are reported: a file counts as written when the writer closes it
// (IN_CLOSE_WRITE) or when it is renamed into place (IN_MOVED_TO), never while a copy is
// still being written. Deleting or renaming a file away reports it removed. Hidden files
// (".name.so", typical of tools writing a temporary file) are ignored.
//
// The watcher remembers each plugin file it reported (device, inode, size, modification
// time). When the kernel's event queue overflows, events are lost, so it reads the
// directories again and reports what differs from what it remembers. (Events themselves are
// always reported: a rewrite within one tick of the file system's clock may keep the same
// stamp.)
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <vector>

#include <sys/types.h>

namespace spdlog {
class logger;
}

namespace mirari::host {

class PluginDirWatcher {
 public:
  enum class Change { written, removed };
  using Handler = std::function<void(const std::filesystem::path& file, Change change)>;

  // Throws std::system_error when inotify is unavailable.
  PluginDirWatcher(boost::asio::any_io_executor strand, Handler handler, spdlog::logger& log);
  // Watches exactly dirs from now on, taking the plugin files in them as they are now as
  // known. A directory that cannot be watched is logged and skipped.
  void watch(const std::vector<std::filesystem::path>& dirs);
  // Reads the directories again and reports every plugin file that appeared, changed or went
  // since it was last reported: what an event queue overflow calls for. Strand.
  void resync();
  // Stops reporting. Strand.
  void close();

 private:
  // What tells two versions of a file apart.
  struct Stamp {
    dev_t device = 0;
    ino_t inode = 0;
    off_t size = 0;
    std::int64_t modified_ns = 0;
    friend bool operator==(const Stamp&, const Stamp&) = default;
  };

  void read();
  void dispatch(std::size_t bytes);
  // Reports the change and remembers the file as it is now. only_if_new: not when it is
  // remembered as it is now (or, removed, not remembered at all).
  void report(const std::filesystem::path& file, Change change, bool only_if_new);
  static std::optional<Stamp> stamp(const std::filesystem::path& file);

  Handler handler_;
  spdlog::logger& log_;
  boost::asio::posix::stream_descriptor inotify_;
  std::map<int, std::filesystem::path> dirs_;  // by watch descriptor
  std::vector<char> buffer_;
  std::map<std::filesystem::path, Stamp> files_;  // as last reported
};

}  // namespace mirari::host
