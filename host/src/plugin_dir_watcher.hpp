// Watches plugin directories with inotify, read through an Asio stream descriptor on the
// strand (no thread of its own), and reports plugin files (*.so) that appear, are replaced or
// disappear.
//
// Only complete files are reported: a file counts as written when the writer closes it
// (IN_CLOSE_WRITE) or when it is renamed into place (IN_MOVED_TO), never while a copy is
// still being written. Deleting or renaming a file away reports it removed. Hidden files
// (".name.so", typical of tools writing a temporary file) are ignored.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <filesystem>
#include <functional>
#include <map>
#include <vector>

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
  // Watches exactly dirs from now on. A directory that cannot be watched is logged and
  // skipped.
  void watch(const std::vector<std::filesystem::path>& dirs);
  // Stops reporting. Strand.
  void close();

 private:
  void read();
  void dispatch(std::size_t bytes);

  Handler handler_;
  spdlog::logger& log_;
  boost::asio::posix::stream_descriptor inotify_;
  std::map<int, std::filesystem::path> dirs_;  // by watch descriptor
  std::vector<char> buffer_;
};

}  // namespace mirari::host
