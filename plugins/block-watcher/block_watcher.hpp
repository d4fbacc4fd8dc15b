// The block watcher: the host's block devices, followed through kernel uevents and sysfs and
// written into the graph. Knows nothing of the host; the plugin adapter
// (block_watcher_plugin.hpp) hands it an executor and the sources behind its ports.
//
// Construction joins the uevent group, then reads sysfs (so a watcher started late, or
// again, begins with the whole truth and misses nothing that happens meanwhile); follow()
// then tracks every change from the kernel's uevents, without polling.
//
// Invariants:
// - The model is used by one thread at a time: the constructor's, then the listener's
//   handlers (which never overlap).
// - After each batch of records read in one wake-up, the table written equals the model's
//   table, and the events written with it are the changes that lead from the previous table
//   to this one: both land in one tick (common/table_publisher.hpp).
// - Lost records are recovered by reading sysfs again and emitting the differences.
#pragma once

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <boost/asio/any_io_executor.hpp>
#include <mirari/source.hpp>

#include "block_model.hpp"
#include "block_ports.hpp"
#include "common/table_publisher.hpp"
#include "uevent_listener.hpp"

namespace mirari::block {

struct BlockWatcherOptions {
  // Receive buffer for uevents, in bytes; 0 keeps the system default. It bounds the burst
  // that can wait unread before the kernel drops records (and a resync follows).
  int receive_buffer = 0;
  // Name prefixes of the devices to watch; empty watches every device.
  std::vector<std::string> include;
  std::filesystem::path sysfs_root = "/sys";
  // Told about resyncs and failures, on the I/O thread. May be empty.
  std::function<void(const std::string&)> report;
};

struct BlockWatcherStats {
  std::uint64_t records = 0;   // uevents applied
  std::uint64_t overruns = 0;  // gaps in the uevents
  std::uint64_t resyncs = 0;   // sysfs reads made to recover from a gap
  bool following = false;      // false after stop() or a failure
};

class BlockWatcher {
 public:
  using Table = Devices;
  using Event = BlockEvent;

  // Opens the uevent socket and reads the current devices. Throws std::system_error when
  // the socket cannot be opened; nothing is left open then.
  BlockWatcher(boost::asio::any_io_executor io, BlockWatcherOptions options);
  ~BlockWatcher() { stop(); }
  BlockWatcher(const BlockWatcher&) = delete;
  BlockWatcher& operator=(const BlockWatcher&) = delete;

  // The devices read at construction: O(1). Only before follow().
  Devices table() const { return model_.table(); }
  // Starts following changes on the executor. previous: the table a replaced watcher had
  // published, to emit the changes since. Call once.
  void follow(common::TablePublisher<Devices, BlockEvent> out, const Devices* previous = nullptr);
  // Closes the uevent socket; nothing is written after it returns. Any thread; idempotent.
  void stop() {
    listener_->stop();
    following_ = false;
  }
  BlockWatcherStats stats() const {
    return {records_.load(), overruns_.load(), resyncs_.load(), following_.load()};
  }

 private:
  void on_record(std::string_view datagram);
  void on_overrun();
  void on_failure(const std::string& what);
  void flush();
  void say(const std::string& what);

  std::function<void(const std::string&)> report_;
  std::unique_ptr<UeventListener> listener_;
  BlockModel model_;
  common::TablePublisher<Devices, BlockEvent> out_;
  std::vector<BlockEvent> pending_;
  std::atomic<std::uint64_t> records_{0};
  std::atomic<std::uint64_t> overruns_{0};
  std::atomic<std::uint64_t> resyncs_{0};
  std::atomic<bool> following_{false};
};

}  // namespace mirari::block
