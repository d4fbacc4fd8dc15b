#include "block_watcher.hpp"

#include <exception>
#include <optional>

namespace mirari::block {

BlockWatcher::BlockWatcher(boost::asio::any_io_executor io, BlockWatcherOptions options)
    : report_(std::move(options.report)),
      listener_(std::make_unique<UeventListener>(std::move(io), options.receive_buffer)),
      model_(Sysfs(std::move(options.sysfs_root)), std::move(options.include)) {
  std::vector<BlockEvent> ignored;
  model_.read_all(ignored);
}

void BlockWatcher::follow(common::TablePublisher<Devices, BlockEvent> out,
                          const Devices* previous) {
  out_ = std::move(out);
  if (previous != nullptr) {
    BlockModel::diff(*previous, model_.table(), pending_);
    flush();
  }
  following_ = true;
  listener_->start({[this](std::string_view datagram) { on_record(datagram); }, [this] { flush(); },
                    [this] { on_overrun(); },
                    [this](std::error_code error) { on_failure(error.message()); }});
}

void BlockWatcher::on_record(std::string_view datagram) {
  std::optional<Uevent> uevent = parse_uevent(datagram);
  if (!uevent) return;
  ++records_;
  model_.apply(*uevent, pending_);
}

void BlockWatcher::on_overrun() {
  ++overruns_;
  try {
    model_.read_all(pending_);
    ++resyncs_;
    say("uevents were lost (receive buffer full); sysfs was read again");
  } catch (const std::exception& e) {
    listener_->stop();
    on_failure(std::string("cannot read sysfs again after lost uevents: ") + e.what());
  }
}

void BlockWatcher::on_failure(const std::string& what) {
  following_ = false;
  say("stopped following uevents: " + what);
}

void BlockWatcher::flush() {
  out_.publish(model_.table(), pending_);
}

void BlockWatcher::say(const std::string& what) {
  if (report_) report_(what);
}

}  // namespace mirari::block
