#include "flow_keeper.hpp"

#include <string>
#include <vector>

#include <boost/asio/post.hpp>

#include "bundle_file.hpp"
#include "of_bundle.hpp"
#include "of_channel.hpp"

namespace mirari::openflow {

namespace {

// clock.ms's clock (mirari/ports/clock.hpp): the monotonic clock, in milliseconds.
std::int64_t clock_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  for (std::size_t start = 0; start < text.size();) {
    const std::size_t end = text.find('\n', start);
    out.push_back(text.substr(start, end - start));
    if (end == std::string::npos) break;
    start = end + 1;
  }
  return out;
}

}  // namespace

FlowKeeper::FlowKeeper(Executor& executor, boost::asio::any_io_executor io, Ofctl ofctl,
                       std::chrono::milliseconds verify, Source<ports::flows::FlowsApplied> applied,
                       spdlog::logger& log)
    : executor_(executor),
      io_(io),
      timer_(io),
      ofctl_(std::move(ofctl)),
      verify_(verify),
      applied_(std::move(applied)),
      log_(log) {}

void FlowKeeper::start() {
  std::lock_guard lock(timer_mutex_);
  arm_timer();
}

void FlowKeeper::want(BridgeTargets targets) {
  {
    std::lock_guard lock(mutex_);
    wanted_ = std::move(targets);
  }
  schedule();
}

void FlowKeeper::stop() {
  {
    std::lock_guard lock(mutex_);
    stopped_ = true;
  }
  // Cancelled now, not from a handler posted for later: the cancelled wait's handler (this
  // library's code) is then queued ahead of the marker mirarid posts once stop() returns, so
  // it runs before the library can be unloaded (host/src/plugin_executor.hpp).
  std::lock_guard lock(timer_mutex_);
  timer_stopped_ = true;
  timer_.cancel();
}

void FlowKeeper::arm_timer() {
  timer_.expires_after(verify_);
  timer_.async_wait([weak = weak_from_this()](const boost::system::error_code& ec) {
    const auto self = weak.lock();
    if (ec || !self) return;
    self->schedule();
    std::lock_guard lock(self->timer_mutex_);
    if (!self->timer_stopped_) self->arm_timer();
  });
}

void FlowKeeper::schedule() {
  std::lock_guard lock(mutex_);
  // A queued pass will read the latest targets; a running one is followed by another.
  if (stopped_ || queued_) return;
  queued_ = true;
  if (running_) return;
  executor_.post([self = shared_from_this()] { self->run_passes(); });
}

void FlowKeeper::run_passes() {
  for (;;) {
    BridgeTargets targets;
    {
      std::lock_guard lock(mutex_);
      if (!queued_ || stopped_) {
        queued_ = false;
        running_ = false;
        return;
      }
      queued_ = false;
      running_ = true;
      targets = wanted_;
    }
    pass(targets);
  }
}

void FlowKeeper::pass(const BridgeTargets& targets) {
  // A bridge that left flows.desired is left as it is, and leaves flows.applied.
  std::erase_if(kept_, [&](const auto& entry) { return !targets.count(entry.first); });
  ports::flows::FlowsApplied::Builder next;
  std::vector<std::string> sent;
  for (const auto& [bridge, target] : targets) {
    Kept& kept = kept_[bridge];
    if (keep(bridge, target, kept)) sent.push_back(bridge);
    next.set(bridge, kept.report);
  }
  ports::flows::FlowsApplied table = next.build();
  if (!(table == published_)) {
    published_ = table;
    applied_.set(std::move(table));
  }
  for (const std::string& bridge : sent) read_back(bridge, kept_[bridge]);
}

void FlowKeeper::read_back(const std::string& bridge, Kept& kept) {
  try {
    kept.held = OfChannel(ofctl_.socket(bridge), ofctl_.timeout()).holding();
    kept.good = true;
  } catch (const OfctlError& e) {
    // The set went in; without what the bridge held after it, the next pass sends it again.
    log_.warn("bridge '{}' at {}: reading back its set: {}", bridge, ofctl_.target(bridge),
              e.what());
  }
}

bool FlowKeeper::keep(const std::string& bridge, const BridgeTarget& target, Kept& kept) {
  ports::flows::AppliedBridge& report = kept.report;
  const std::string previous_error = report.error;
  try {
    OfChannel channel(ofctl_.socket(bridge), ofctl_.timeout());
    const PortNumbers numbers = channel.ports();
    std::set<std::string> names;
    for (const auto& entry : numbers) names.insert(entry.first);
    const ports::flows::BridgeFlows set = effective_set(target, names);
    bool needed = !kept.good || !(set == kept.applied);
    if (!needed && channel.holding() != kept.held) {
      log_.info("bridge '{}' no longer holds its set; applying it again", bridge);
      needed = true;
    }
    if (!needed) return false;
    kept.good = false;
    const std::string file = bundle_file(set);
    const auto messages = encode_bundle(set, numbers);
    if (messages) {
      channel.bundle(*messages, lines_of(file));
    } else {
      ofctl_.apply(bridge, file);
    }
    kept.applied = set;
    report = {set, "", clock_ms()};
    log_.info("bridge '{}' holds {} flows and {} groups (sent {})", bridge, set.flows.size(),
              set.groups.size(), messages ? "over OpenFlow" : "through ovs-ofctl");
    return true;
  } catch (const OfctlError& e) {
    kept.good = false;
    report.error = "bridge '" + bridge + "' at " + ofctl_.target(bridge) + ": " + e.what();
    if (report.error != previous_error) log_.warn("{}", report.error);
    return false;
  }
}

}  // namespace mirari::openflow
