#include "plugin_dir_watcher.hpp"

#include <spdlog/logger.h>
#include <sys/inotify.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <system_error>

namespace mirari::host {

namespace fs = std::filesystem;

namespace {

constexpr std::uint32_t kEvents =
    IN_CLOSE_WRITE | IN_MOVED_TO | IN_DELETE | IN_MOVED_FROM | IN_ONLYDIR;

int open_inotify() {
  const int fd = ::inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  if (fd < 0) throw std::system_error(errno, std::generic_category(), "inotify_init1");
  return fd;
}

bool is_plugin_name(const std::string& name) {
  return name.size() > 3 && name.front() != '.' && name.ends_with(".so");
}

}  // namespace

PluginDirWatcher::PluginDirWatcher(boost::asio::any_io_executor strand, Handler handler,
                                   spdlog::logger& log)
    : handler_(std::move(handler)),
      log_(log),
      inotify_(strand, open_inotify()),
      buffer_(64 * 1024) {
  read();
}

void PluginDirWatcher::watch(const std::vector<fs::path>& dirs) {
  const int fd = inotify_.native_handle();
  for (const auto& [wd, dir] : dirs_) ::inotify_rm_watch(fd, wd);
  dirs_.clear();
  for (const auto& dir : dirs) {
    const int wd = ::inotify_add_watch(fd, dir.c_str(), kEvents);
    if (wd < 0) {
      log_.error("cannot watch plugin directory {}: {}", dir.string(), std::strerror(errno));
      continue;
    }
    dirs_[wd] = dir;
  }
  files_.clear();
  for (const auto& [wd, dir] : dirs_) {
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(dir, ec)) {
      if (!is_plugin_name(entry.path().filename().string())) continue;
      if (auto s = stamp(entry.path())) files_[entry.path()] = *s;
    }
  }
}

void PluginDirWatcher::resync() {
  std::map<fs::path, Stamp> now;
  for (const auto& [wd, dir] : dirs_) {
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(dir, ec)) {
      if (!is_plugin_name(entry.path().filename().string())) continue;
      if (auto s = stamp(entry.path())) now[entry.path()] = *s;
    }
  }
  std::vector<fs::path> gone;
  for (const auto& [file, s] : files_) {
    if (now.count(file) == 0) gone.push_back(file);
  }
  for (const fs::path& file : gone) report(file, Change::removed, true);
  for (const auto& [file, s] : now) report(file, Change::written, true);
}

std::optional<PluginDirWatcher::Stamp> PluginDirWatcher::stamp(const fs::path& file) {
  struct stat st {};
  if (::stat(file.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return std::nullopt;
  return Stamp{st.st_dev, st.st_ino, st.st_size,
               static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec};
}

void PluginDirWatcher::report(const fs::path& file, Change change, bool only_if_new) {
  if (change == Change::removed) {
    if (files_.erase(file) == 0 && only_if_new) return;
    handler_(file, change);
    return;
  }
  const std::optional<Stamp> now = stamp(file);
  if (now) {
    auto it = files_.find(file);
    if (only_if_new && it != files_.end() && it->second == *now) return;
    files_[file] = *now;
  } else {
    files_.erase(file);  // gone again already: its removal event follows
  }
  handler_(file, change);
}

void PluginDirWatcher::close() {
  boost::system::error_code ignored;
  inotify_.close(ignored);
  dirs_.clear();
  files_.clear();
}

void PluginDirWatcher::read() {
  inotify_.async_read_some(boost::asio::buffer(buffer_),
                           [this](const boost::system::error_code& ec, std::size_t bytes) {
                             if (ec == boost::asio::error::operation_aborted) return;
                             if (ec) {
                               log_.error("plugin directory watch failed: {}", ec.message());
                               return;
                             }
                             dispatch(bytes);
                             read();
                           });
}

void PluginDirWatcher::dispatch(std::size_t bytes) {
  // The kernel hands out whole events only, each followed by its padded name.
  std::size_t offset = 0;
  while (offset + sizeof(inotify_event) <= bytes) {
    inotify_event event;
    std::memcpy(&event, buffer_.data() + offset, sizeof event);
    const char* name_start = buffer_.data() + offset + sizeof event;
    offset += sizeof event + event.len;
    if ((event.mask & IN_Q_OVERFLOW) != 0) {
      log_.warn("plugin directory events were lost; reading the directories again");
      resync();
      continue;
    }
    auto dir = dirs_.find(event.wd);
    if (dir == dirs_.end() || event.len == 0) continue;
    const std::string name(name_start, ::strnlen(name_start, event.len));
    if (!is_plugin_name(name)) continue;
    const fs::path file = dir->second / name;
    if ((event.mask & (IN_CLOSE_WRITE | IN_MOVED_TO)) != 0) {
      report(file, Change::written, false);
    } else if ((event.mask & (IN_DELETE | IN_MOVED_FROM)) != 0) {
      report(file, Change::removed, false);
    }
  }
}

}  // namespace mirari::host
