// Keeps every bridge of the latest committed targets holding its set, off the graph's
// thread. A pass, for each bridge: open an OpenFlow channel to it (of_channel.hpp) and read
// its ports, work out the set to apply (bridge_targets.hpp), and send it as one bundle when it
// differs from the set applied last, when the last attempt failed, or when what the switch
// holds differs from what it held right after that set was applied (drift: a flow deleted by
// hand, ovs-vswitchd restarted empty). The bundle goes over that channel when the plugin's
// encoder covers every rule of the set (of_bundle.hpp), and through `ovs-ofctl bundle`
// otherwise. What each pass leaves is written to flows.applied as soon as its bundles are
// sent; only then is each bridge just applied read back, so that a set's arrival in
// flows.applied waits for its bundle alone and not for the reads drift is checked against.
//
// Invariant: at most one pass runs at a time, and a pass always works from the latest
// targets: want() during a pass makes another pass follow it. Passes run on the plugin's
// executor after each want() and every verify period (a timer on the plugin's I/O loop).
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include <spdlog/logger.h>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <mirari/executor.hpp>
#include <mirari/ports/flows.hpp>
#include <mirari/source.hpp>

#include "bridge_targets.hpp"
#include "ofctl.hpp"

namespace mirari::openflow {

class FlowKeeper : public std::enable_shared_from_this<FlowKeeper> {
 public:
  FlowKeeper(Executor& executor, boost::asio::any_io_executor io, Ofctl ofctl,
             std::chrono::milliseconds verify, Source<ports::flows::FlowsApplied> applied,
             spdlog::logger& log);

  // Starts the verify timer. Graph thread, once.
  void start();
  // The targets of a committed tick; a pass applies them soon after. Any thread.
  void want(BridgeTargets targets);
  // No pass starts after this returns, and the timer is cancelled (on the I/O loop). Any
  // thread.
  void stop();

 private:
  // One bridge's state, touched only by the running pass.
  struct Kept {
    ports::flows::BridgeFlows applied;  // the set the last good apply sent
    std::string held;                   // what the switch held right after it (OfChannel::holding)
    bool good = false;                  // the last attempt succeeded, and held was read
    ports::flows::AppliedBridge report;
  };

  void schedule();
  void run_passes();
  void pass(const BridgeTargets& targets);
  // Returns whether a bundle was sent (held is then still to be read).
  bool keep(const std::string& bridge, const BridgeTarget& target, Kept& kept);
  void read_back(const std::string& bridge, Kept& kept);
  void arm_timer();  // timer_mutex_ held

  Executor& executor_;
  boost::asio::any_io_executor io_;
  std::mutex timer_mutex_;  // held by every use of timer_: start, its handler, stop
  boost::asio::steady_timer timer_;
  bool timer_stopped_ = false;
  Ofctl ofctl_;
  std::chrono::milliseconds verify_;
  Source<ports::flows::FlowsApplied> applied_;
  spdlog::logger& log_;

  std::mutex mutex_;  // guards the four below
  BridgeTargets wanted_;
  bool queued_ = false;
  bool running_ = false;
  bool stopped_ = false;

  std::map<std::string, Kept> kept_;      // the running pass's
  ports::flows::FlowsApplied published_;  // the running pass's
};

}  // namespace mirari::openflow
