// The plugin directory watcher on its own: events as files are written and removed, and the
// reading again that follows lost events (an inotify queue overflow).
#include <catch2/catch.hpp>

#include <spdlog/logger.h>
#include <spdlog/sinks/null_sink.h>

#include <chrono>
#include <fstream>
#include <utility>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/strand.hpp>

#include "plugin_dir_watcher.hpp"
#include "temp_dir.hpp"

using mirari::host::PluginDirWatcher;
using mirari::testing::TempDir;
namespace fs = std::filesystem;
using Change = PluginDirWatcher::Change;
using Report = std::pair<std::string, Change>;
using Reports = std::vector<Report>;

namespace {

void write(const fs::path& file, const std::string& text) {
  std::ofstream(file) << text;
}

struct Fixture {
  TempDir dir;
  boost::asio::io_context io;
  spdlog::logger log{"test", std::make_shared<spdlog::sinks::null_sink_mt>()};
  Reports reports;
  PluginDirWatcher watcher{boost::asio::make_strand(io),
                           [this](const fs::path& file, Change change) {
                             reports.emplace_back(file.filename().string(), change);
                           },
                           log};

  // Runs the handlers of every event the kernel has queued by now.
  void drain() {
    for (int i = 0; i < 20; ++i) {
      io.run_for(std::chrono::milliseconds(10));
      io.restart();
    }
  }
};

}  // namespace

TEST_CASE("plugin files written and removed are reported, other files are not") {
  Fixture f;
  f.watcher.watch({f.dir.path()});
  write(f.dir.path() / "a.so", "one");
  write(f.dir.path() / ".hidden.so", "one");
  write(f.dir.path() / "notes.txt", "one");
  fs::remove(f.dir.path() / "a.so");
  f.drain();
  CHECK(f.reports == Reports{{"a.so", Change::written}, {"a.so", Change::removed}});
}

TEST_CASE("after lost events the directories are read again and only differences reported") {
  Fixture f;
  write(f.dir.path() / "kept.so", "same");
  write(f.dir.path() / "changed.so", "before");
  write(f.dir.path() / "gone.so", "here");
  f.watcher.watch({f.dir.path()});

  // Changes whose events are never read, as when the kernel's queue overflowed.
  write(f.dir.path() / "changed.so", "after, and longer");
  fs::remove(f.dir.path() / "gone.so");
  write(f.dir.path() / "new.so", "new");
  f.watcher.resync();
  CHECK(f.reports == Reports{{"gone.so", Change::removed},
                             {"changed.so", Change::written},
                             {"new.so", Change::written}});

  f.reports.clear();
  f.watcher.resync();
  CHECK(f.reports.empty());
}

TEST_CASE("reading again after the events were read reports nothing twice") {
  Fixture f;
  f.watcher.watch({f.dir.path()});
  write(f.dir.path() / "a.so", "one");
  f.drain();
  REQUIRE(f.reports == Reports{{"a.so", Change::written}});
  f.reports.clear();
  f.watcher.resync();
  CHECK(f.reports.empty());
}
